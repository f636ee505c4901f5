import SokoFunctions

/// What a reversal comes to in the sandbox, and the `{"Result": {…}}` body Daraja posts about it.
///
/// | case | result |
/// |---|---|
/// | the original payment's phone is 254700000006 | no result: a post to `QueueTimeOutURL` (queue timeout) |
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

    var body: [UInt8] {
        var json = JSONBuffer(capacity: 1024)
        json.openObject()
        json.key("Result")
        json.openObject()
        json.key("ResultType")
        json.int(0)
        json.key("ResultCode")
        switch outcome {
        case .reversed: json.int(0)
        case .queueTimeout: json.int(1)
        case .failed(let code, _):
            // Numeric codes are numbers, Safaricom's R-codes strings.
            if let number = Int(code) { json.int(number) } else { json.string(code) }
        }
        json.key("ResultDesc")
        switch outcome {
        case .reversed: json.string("The service request is processed successfully.")
        case .queueTimeout: json.string("The request timed out in the queue.")
        case .failed(_, let description): json.string(description)
        }
        json.key("OriginatorConversationID")
        json.string(originatorConversationID)
        json.key("ConversationID")
        json.string(conversationID)
        json.key("TransactionID")
        if case .reversed(let id) = outcome { json.string(id) } else { json.string(SandboxIdentifiers.mpesaReceipt()) }
        if case .reversed = outcome {
            json.key("ResultParameters")
            json.openObject()
            json.key("ResultParameter")
            json.openArray()
            parameter(&json, "DebitAccountBalance") { $0.string("Utility Account|KES|100000.00|100000.00|0.00|0.00") }
            parameter(&json, "Amount") { $0.int(amount) }
            parameter(&json, "TransCompletedTime") { $0.raw(completedAt) }
            parameter(&json, "OriginalTransactionID") { $0.string(originalTransactionID) }
            parameter(&json, "Charge") { $0.int(0) }
            parameter(&json, "CreditPartyPublicName") { $0.string(creditParty) }
            parameter(&json, "DebitPartyPublicName") { $0.string(debitParty) }
            json.closeArray()
            json.closeObject()
        }
        json.key("ReferenceData")
        json.openObject()
        json.key("ReferenceItem")
        json.openObject()
        json.key("Key")
        json.string("QueueTimeoutURL")
        json.key("Value")
        json.string(timeoutURL)
        json.closeObject()
        json.closeObject()
        json.closeObject()
        json.closeObject()
        return json.bytes
    }

    private func parameter(_ json: inout JSONBuffer, _ key: String, _ value: (inout JSONBuffer) -> Void) {
        json.openObject()
        json.key("Key")
        json.string(key)
        json.key("Value")
        value(&json)
        json.closeObject()
    }

    /// The POST to `url` (the ResultURL, or the QueueTimeOutURL on a queue timeout).
    func request(to url: String) -> OutgoingRequest {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json")
        return OutgoingRequest(method: "POST", url: url, headers: headers, body: body, idempotent: false, timeout: .seconds(10))
    }
}
