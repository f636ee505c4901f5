import SokoFunctions

/// A Daraja asynchronous result (`{"Result": {…}}`), as posted to a ResultURL or QueueTimeOutURL
/// by the Reversal, B2C and Transaction Status APIs, read leniently: `ResultCode` is a number (`0`)
/// or a string (`"R000002"`), `ResultParameters.ResultParameter` is a list (or one object) of
/// `{Key, Value}` looked up by key.
struct DarajaResultBody: Sendable, Equatable {
    var resultType: Int?
    /// As text: `"0"` is success.
    var resultCode: String
    var resultDesc: String
    var originatorConversationID: String?
    var conversationID: String?
    /// The M-Pesa id of this operation (the reversal's own transaction).
    var transactionID: String?
    var parameters: [String: JSONValue]

    init?(_ json: JSONValue) {
        guard case .object(let root) = json, case .object(let result)? = root["Result"],
            let code = MpesaCallbackBody.text(result["ResultCode"]), !code.isEmpty
        else { return nil }
        resultCode = code
        resultType = MpesaCallbackBody.integer(result["ResultType"])
        resultDesc = MpesaCallbackBody.text(result["ResultDesc"]) ?? ""
        originatorConversationID = MpesaCallbackBody.text(result["OriginatorConversationID"])
        conversationID = MpesaCallbackBody.text(result["ConversationID"])
        transactionID = MpesaCallbackBody.text(result["TransactionID"])
        parameters = [:]
        if case .object(let holder)? = result["ResultParameters"] {
            var items: [JSONValue] = []
            switch holder["ResultParameter"] {
            case .array(let list)?: items = list
            case .object?: items = [holder["ResultParameter"]!]
            default: break
            }
            for case .object(let item) in items {
                guard let key = MpesaCallbackBody.text(item["Key"]), let value = item["Value"] else { continue }
                parameters[key] = value
            }
        }
    }

    var succeeded: Bool { resultCode == "0" }
}
