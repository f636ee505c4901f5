import SokoFunctions

/// Daraja's Reversal API (`POST /mpesa/reversal/v1/request`): gives a customer's M-Pesa payment
/// back. The synchronous answer only says the request was queued (`ResponseCode "0"` with
/// `ConversationID` and `OriginatorConversationID`); the outcome is posted later to `ResultURL`,
/// or to `QueueTimeOutURL` when the request expired in Safaricom's queue (``MpesaReversalResult``).
extension DarajaClient {
    /// Asks Daraja to reverse `amount` whole shillings of the M-Pesa transaction `receipt`. Not retried on a transport failure (that throws, and the outcome is unknown). A second
    /// request for a transaction that was reversed is answered R000001 ("already reversed"), so a
    /// retry, the admin's or ``MpesaRefunds``'s, never gives the money back twice.
    func reverse(
        receipt: String, amount: Int, resultURL: String, timeoutURL: String, remarks: String, context: FunctionContext
    ) async throws -> Answer<Queued> {
        var body = InitiatorRequest(
            settings, command: "TransactionReversal", transactionID: receipt, resultURL: resultURL, timeoutURL: timeoutURL,
            remarks: remarks)
        (body.amount, body.receiverParty, body.receiverIdentifierType) = (amount, settings.darajaShortcode, "11")
        return try await call("/mpesa/reversal/v1/request", body, as: Queued.self, idempotent: false, context: context)
    }
}

extension DarajaClient {
    /// Daraja's acknowledgement of a request it queued for an asynchronous result (reversal,
    /// transaction status): `ResponseCode "0"` with the ids its result will carry.
    struct Queued: Decodable, Sendable {
        var originatorConversationID: String
        var conversationID: String
        enum CodingKeys: String, CodingKey {
            case originatorConversationID = "OriginatorConversationID"
            case conversationID = "ConversationID"
        }
    }
}
