import SokoFunctions

/// Daraja's Transaction Status API (`POST /mpesa/transactionstatus/v1/query`): what became of an
/// M-Pesa transaction, named by its receipt. Like a reversal it is asynchronous: the answer only
/// says the query was queued; the status is posted to `ResultURL` (``MpesaReversalStatus``), or
/// to `QueueTimeOutURL`. It uses the reversal's initiator and security credential (the same
/// operator needs the "Transaction Status query ORG API" role), so it adds no setting.
extension DarajaClient {
    /// Queues a status query for the transaction `receipt`. Safe to repeat: it changes nothing.
    func transactionStatus(
        receipt: String, resultURL: String, timeoutURL: String, remarks: String, context: FunctionContext
    ) async throws -> Answer<Queued> {
        var body = InitiatorRequest(
            settings, command: "TransactionStatusQuery", transactionID: receipt, resultURL: resultURL,
            timeoutURL: timeoutURL, remarks: remarks)
        (body.partyA, body.identifierType) = (settings.darajaShortcode, "4")
        return try await call(
            "/mpesa/transactionstatus/v1/query", body, as: Queued.self, idempotent: true, context: context)
    }
}
