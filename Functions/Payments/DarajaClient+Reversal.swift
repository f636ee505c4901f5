import SokoFunctions

/// Daraja's Reversal API (`POST /mpesa/reversal/v1/request`): gives a customer's M-Pesa payment
/// back. The synchronous answer only says the request was queued (`ResponseCode "0"` with
/// `ConversationID` and `OriginatorConversationID`); the outcome is posted later to `ResultURL`,
/// or to `QueueTimeOutURL` when the request expired in Safaricom's queue (``MpesaReversalResult``).
extension DarajaClient {
    struct ReversalRequest: Encodable {
        var initiator: String
        var securityCredential: String
        var commandID = "TransactionReversal"
        var transactionID: String
        var amount: Int
        var receiverParty: String
        /// `11`: the receiving party is an organisation (the shop's shortcode).
        var receiverIdentifierType = "11"
        var resultURL: String
        var queueTimeOutURL: String
        var remarks: String
        var occasion: String

        // "RecieverIdentifierType" is Daraja's own spelling.
        enum CodingKeys: String, CodingKey {
            case initiator = "Initiator"
            case securityCredential = "SecurityCredential"
            case commandID = "CommandID"
            case transactionID = "TransactionID"
            case amount = "Amount"
            case receiverParty = "ReceiverParty"
            case receiverIdentifierType = "RecieverIdentifierType"
            case resultURL = "ResultURL"
            case queueTimeOutURL = "QueueTimeOutURL"
            case remarks = "Remarks"
            case occasion = "Occasion"
        }
    }

    struct ReversalAccepted: Decodable, Sendable {
        var originatorConversationID: String
        var conversationID: String
        var responseCode: String
        enum CodingKeys: String, CodingKey {
            case originatorConversationID = "OriginatorConversationID"
            case conversationID = "ConversationID"
            case responseCode = "ResponseCode"
        }
    }

    enum ReversalOutcome: Sendable {
        case accepted(ReversalAccepted)
        /// Daraja refused the request itself (nothing was queued).
        case refused(status: Int, code: String?, detail: String)
    }

    /// Asks Daraja to reverse `amount` whole shillings of the M-Pesa transaction `receipt`. Not
    /// retried on a transport failure: whether it was queued is then unknown (a second request for
    /// a reversed transaction is refused by Safaricom, so an admin's retry is safe).
    func reverse(
        receipt: String, amount: Int, resultURL: String, timeoutURL: String, remarks: String, context: FunctionContext
    ) async throws -> ReversalOutcome {
        let body = ReversalRequest(
            initiator: settings.darajaInitiatorName, securityCredential: settings.darajaSecurityCredential,
            transactionID: receipt, amount: amount, receiverParty: settings.darajaShortcode, resultURL: resultURL,
            queueTimeOutURL: timeoutURL, remarks: String(remarks.prefix(100)), occasion: String(remarks.prefix(100)))
        let response = try await authorised(context: context) { token in
            try OutgoingRequest.json(
                "POST", settings.darajaBaseURL + "/mpesa/reversal/v1/request", body,
                headers: ["Authorization": "Bearer \(token)"], idempotent: false)
        }
        if response.status == 200, let accepted = try? response.json(ReversalAccepted.self), accepted.responseCode == "0" {
            return .accepted(accepted)
        }
        let envelope = try? response.json(ErrorEnvelope.self)
        return .refused(
            status: response.status, code: envelope?.errorCode, detail: envelope?.errorMessage ?? "HTTP \(response.status)")
    }
}
