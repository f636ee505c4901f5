import SokoFunctions

/// `POST /_sandbox/africastalking/version1/messaging`: Africa's Talking's bulk SMS endpoint as its
/// documentation describes it — the `apiKey` header and `username` checked (401 text, as the real
/// API answers), a form body with `to` (comma-separated, `+254…`), `message` and an optional
/// `from`, and a 201 JSON answer `{"SMSMessageData": {"Message", "Recipients": [{statusCode,
/// number, status, cost, messageId}]}}`. Each recipient is kept in `sms_messages`.
///
/// | number | recipient status |
/// |---|---|
/// | `+254700000406` | 406 `UserInBlacklist` (the customer blocked the shop's sender) |
/// | anything not `+` and 9–15 digits | 403 `InvalidPhoneNumber` |
/// | any other | 101 `Success`, cost `KES 0.8000` |
enum AfricasTalkingMessaging {
    static let blacklisted = "+254700000406"

    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async throws
        -> FunctionResponse
    {
        guard let key = request.headers["apiKey"], ConstantTime.equal(Array(key.utf8), Array(settings.africasTalkingAPIKey.utf8))
        else { return .text("The supplied authentication is invalid", status: 401) }
        let form = QueryParameters(parsing: Substring(decoding: request.body, as: UTF8.self))
        func field(_ name: String) -> String? { form.pairs.last { $0.name == name }?.value }
        guard let username = field("username"), !username.isEmpty else {
            return .text("Must have username in your request", status: 400)
        }
        guard username == settings.africasTalkingUsername else {
            return .text("The supplied authentication is invalid", status: 401)
        }
        guard let to = field("to"), !to.isEmpty else { return .text("Must have to in your request", status: 400) }
        guard let message = field("message"), !message.isEmpty else {
            return .text("Must have message in your request", status: 400)
        }
        let sender = field("from")
        let numbers = to.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        var json = JSONBuffer(capacity: 256 + numbers.count * 160)
        json.openObject()
        json.key("SMSMessageData")
        json.openObject()
        var sent = 0
        var recipients: [(code: Int, number: String, status: String, cost: String, id: String)] = []
        for number in numbers {
            let digits = number.utf8.dropFirst()
            let valid =
                number.hasPrefix("+") && (9...15).contains(digits.count)
                && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            if !valid {
                recipients.append((403, number, "InvalidPhoneNumber", "0", "None"))
            } else if number == blacklisted {
                recipients.append((406, number, "UserInBlacklist", "0", "None"))
            } else {
                sent += 1
                recipients.append((101, number, "Success", "KES 0.8000", "ATXid_" + SandboxIdentifiers.random(32)))
            }
        }
        let now = context.now.unixSeconds
        let kept = recipients
        try await context.store.transaction { tx in
            for recipient in kept {
                let id = recipient.id == "None" ? "none_" + SandboxIdentifiers.random(24) : recipient.id
                try tx.execute(
                    """
                    INSERT INTO sms_messages (message_id, username, sender, recipient, message, status_code, status, cost, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """,
                    [
                        .text(id), .text(username), SQLValue(sender), .text(recipient.number), .text(message),
                        SQLValue(recipient.code), .text(recipient.status), .text(recipient.cost), SQLValue(now),
                    ])
            }
        }
        json.key("Message")
        json.string("Sent to \(sent)/\(numbers.count) Total Cost: KES \(sent * 8 / 10).\(sent * 8 % 10)000")
        json.key("Recipients")
        json.openArray()
        for recipient in recipients {
            json.openObject()
            json.key("statusCode")
            json.int(recipient.code)
            json.key("number")
            json.string(recipient.number)
            json.key("status")
            json.string(recipient.status)
            json.key("cost")
            json.string(recipient.cost)
            json.key("messageId")
            json.string(recipient.id)
            json.closeObject()
        }
        json.closeArray()
        json.closeObject()
        json.closeObject()
        return FunctionResponse(json: json, status: 201)
    }
}
