import SokoFunctions

/// The `{"Result": {…}}` body Daraja posts to a ResultURL (or QueueTimeOutURL) for the APIs that
/// answer later — reversal and transaction status here: `ResultCode` a number, or a string for
/// Safaricom's R-codes; `ResultParameters.ResultParameter` a list of `{Key, Value}`;
/// `ReferenceData` naming the QueueTimeoutURL.
struct DarajaResultEnvelope: Sendable {
    /// A `{Key, Value}` pair; the value is written by its closure (numbers, strings or raw digits).
    typealias Parameter = (key: String, value: @Sendable (inout JSONBuffer) -> Void)

    var resultCode: String
    var resultDesc: String
    var originatorConversationID: String
    var conversationID: String
    var transactionID: String
    var parameters: [Parameter]
    var timeoutURL: String

    var body: [UInt8] {
        var json = JSONBuffer(capacity: 1024)
        json.openObject()
        json.key("Result")
        json.openObject()
        json.key("ResultType")
        json.int(0)
        json.key("ResultCode")
        // Numeric codes are numbers, Safaricom's R-codes strings.
        if let number = Int(resultCode) { json.int(number) } else { json.string(resultCode) }
        json.key("ResultDesc")
        json.string(resultDesc)
        json.key("OriginatorConversationID")
        json.string(originatorConversationID)
        json.key("ConversationID")
        json.string(conversationID)
        json.key("TransactionID")
        json.string(transactionID)
        if !parameters.isEmpty {
            json.key("ResultParameters")
            json.openObject()
            json.key("ResultParameter")
            json.openArray()
            for parameter in parameters {
                json.openObject()
                json.key("Key")
                json.string(parameter.key)
                json.key("Value")
                parameter.value(&json)
                json.closeObject()
            }
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

    /// The POST of the body to `url`.
    func request(to url: String) -> OutgoingRequest {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json")
        return OutgoingRequest(method: "POST", url: url, headers: headers, body: body, idempotent: false, timeout: .seconds(10))
    }

    /// Fresh ids as Daraja makes them: `OriginatorConversationID` and `ConversationID` (`AG_<date>_…`).
    static func conversationIDs(now: Int) -> (originator: String, conversation: String) {
        (
            SandboxIdentifiers.digits(5) + "-" + SandboxIdentifiers.digits(8) + "-1",
            "AG_\(NairobiTime(unix: now).compact.prefix(8))_\(SandboxIdentifiers.random(20))"
        )
    }
}
