import SokoFunctions

/// What a reversal comes to in the sandbox, and the `{"Result": {…}}` body Daraja posts about it.
///
/// | case | result |
/// |---|---|
/// | the original payment's phone is 254700000006 | no result: a post to `QueueTimeOutURL` (queue timeout) |
/// | the original payment's phone is 254700000007 | reversed, but the result is lost: nothing is posted (Transaction Status finds it) |
/// | `Initiator` / `SecurityCredential` not the sandbox's operator | ResultCode 2001 "The initiator information is invalid." |
/// | `TransactionID` names no paid STK push | ResultCode "R000002" "The OriginalTransactionID is invalid." |
/// | the transaction was reversed already | ResultCode "R000001" "The transaction has already been reversed." |
/// | `Amount` is not what was paid (the sandbox's own rule) | ResultCode "R000003" "The amount does not match the original transaction." |
/// | otherwise | ResultCode 0, with `ResultParameters` (Amount, OriginalTransactionID, TransCompletedTime, …) |
struct ReversalResult: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        case reversed(transactionID: String)
        case failed(code: String, description: String)
        case queueTimeout

        /// What the `reversal_requests` row records.
        var code: String {
            switch self {
            case .reversed: "0"
            case .failed(let code, _): code
            case .queueTimeout: "timeout"
            }
        }
    }

    static let timeoutPhone = "254700000006"
    /// The reversal goes through and its result is never posted (``Reversal`` withholds it).
    static let lostResultPhone = "254700000007"

    var outcome: Outcome
    var originatorConversationID: String
    var conversationID: String
    var originalTransactionID: String
    var amount: Int
    /// `YYYYMMDDHHmmss`, Nairobi.
    var completedAt: String
    var creditParty: String
    var debitParty: String
    var timeoutURL: String

    var envelope: DarajaResultEnvelope {
        let code: String
        let description: String
        var transactionID = SandboxIdentifiers.mpesaReceipt()
        var parameters: [DarajaResultEnvelope.Parameter] = []
        switch outcome {
        case .reversed(let id):
            (code, description, transactionID) = ("0", "The service request is processed successfully.", id)
            let (amount, completedAt, original) = (amount, completedAt, originalTransactionID)
            let (credit, debit) = (creditParty, debitParty)
            parameters = [
                ("DebitAccountBalance", { $0.string("Utility Account|KES|100000.00|100000.00|0.00|0.00") }),
                ("Amount", { $0.int(amount) }), ("TransCompletedTime", { $0.raw(completedAt) }),
                ("OriginalTransactionID", { $0.string(original) }), ("Charge", { $0.int(0) }),
                ("CreditPartyPublicName", { $0.string(credit) }), ("DebitPartyPublicName", { $0.string(debit) }),
            ]
        case .queueTimeout: (code, description) = ("1", "The request timed out in the queue.")
        case .failed(let failure, let text): (code, description) = (failure, text)
        }
        return DarajaResultEnvelope(
            resultCode: code, resultDesc: description, originatorConversationID: originatorConversationID,
            conversationID: conversationID, transactionID: transactionID, parameters: parameters, timeoutURL: timeoutURL)
    }

    var body: [UInt8] { envelope.body }

    /// The POST to `url` (the ResultURL, or the QueueTimeOutURL on a queue timeout).
    func request(to url: String) -> OutgoingRequest { envelope.request(to: url) }
}
