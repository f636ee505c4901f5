import SokoFunctions

/// Daraja's Transaction Status API (`POST /mpesa/transactionstatus/v1/query`): what became of an
/// M-Pesa transaction, named by its receipt. Like a reversal it is asynchronous: the answer only
/// says the query was queued; the status is posted to `ResultURL` (``MpesaReversalStatus``), or
/// to `QueueTimeOutURL`. It uses the reversal's initiator and security credential (the same
/// operator needs the "Transaction Status query ORG API" role), so it adds no setting.
extension DarajaClient {
    struct TransactionStatusRequest: Encodable {
        var initiator: String
        var securityCredential: String
        var commandID = "TransactionStatusQuery"
        var transactionID: String
        var partyA: String
        /// `4`: PartyA is an organisation shortcode.
        var identifierType = "4"
        var resultURL: String
        var queueTimeOutURL: String
        var remarks: String
        var occasion: String

        enum CodingKeys: String, CodingKey {
            case initiator = "Initiator"
            case securityCredential = "SecurityCredential"
            case commandID = "CommandID"
            case transactionID = "TransactionID"
            case partyA = "PartyA"
            case identifierType = "IdentifierType"
            case resultURL = "ResultURL"
            case queueTimeOutURL = "QueueTimeOutURL"
            case remarks = "Remarks"
            case occasion = "Occasion"
        }
    }

    /// Queues a status query for the transaction `receipt`. Safe to repeat: it changes nothing.
    func transactionStatus(
        receipt: String, resultURL: String, timeoutURL: String, remarks: String, context: FunctionContext
    ) async throws -> Answer<Queued> {
        let body = TransactionStatusRequest(
            initiator: settings.darajaInitiatorName, securityCredential: settings.darajaSecurityCredential,
            transactionID: receipt, partyA: settings.darajaShortcode, resultURL: resultURL, queueTimeOutURL: timeoutURL,
            remarks: String(remarks.prefix(100)), occasion: String(remarks.prefix(100)))
        return try await call(
            "/mpesa/transactionstatus/v1/query", body, as: Queued.self, idempotent: true, context: context)
    }
}
