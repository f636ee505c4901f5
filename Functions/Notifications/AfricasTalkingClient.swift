import SokoFunctions

/// Africa's Talking's messaging API over the host's outgoing HTTP client:
/// `POST {base}/version1/messaging`, a form body (`username`, `to`, `message`, `from`), the API key
/// in the `apiKey` header, `Accept: application/json`; the answer (201) is
/// `{"SMSMessageData": {"Message", "Recipients": [{statusCode, number, status, cost, messageId}]}}`.
struct AfricasTalkingClient: Sendable {
    let settings: SmsSettings

    /// One recipient's line of the answer.
    struct Recipient: Decodable, Sendable, Equatable {
        var statusCode: Int
        var number: String
        var status: String
        var cost: String?
        var messageId: String?
    }

    struct Answer: Decodable, Sendable {
        struct Data: Decodable, Sendable {
            var message: String?
            var recipients: [Recipient]
            enum CodingKeys: String, CodingKey {
                case message = "Message"
                case recipients = "Recipients"
            }
        }
        var data: Data
        enum CodingKeys: String, CodingKey { case data = "SMSMessageData" }
    }

    /// What became of a text.
    enum Outcome: Sendable, Equatable {
        /// Taken by the provider (status 100 Processed, 101 Sent, 102 Queued).
        case accepted(Recipient)
        /// Refused for this number for good (403 InvalidPhoneNumber, 404 UnsupportedNumberType,
        /// 406 UserInBlacklist): retrying cannot help.
        case rejected(Recipient)
        /// Refused for now (401 RiskHold, 405 InsufficientBalance, 407 CouldNotRoute, 5xx, an
        /// HTTP error or an unreadable answer): the relay retries.
        case retry(String)
    }

    static let permanent: Set<Int> = [403, 404, 406]

    func send(to phone: String, message: String, context: FunctionContext) async throws -> Outcome {
        var fields = [("username", settings.username), ("to", phone), ("message", message)]
        if let sender = settings.senderID { fields.append(("from", sender)) }
        var headers = HTTPHeaders()
        headers.set("apiKey", settings.apiKey)
        headers.set("Accept", "application/json")
        headers.set("Content-Type", "application/x-www-form-urlencoded")
        let request = OutgoingRequest(
            method: "POST", url: settings.baseURL + "/version1/messaging", headers: headers,
            body: Array(FormEncoding.encode(fields).utf8), idempotent: false, timeout: .seconds(10))
        let response = try await context.send(request)
        guard (200..<300).contains(response.status) else {
            return .retry(
                "Africa's Talking answered HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"
            )
        }
        guard let answer = try? response.json(Answer.self), let recipient = answer.data.recipients.first else {
            return .retry(
                "Africa's Talking's answer names no recipient: \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        if (100...102).contains(recipient.statusCode) { return .accepted(recipient) }
        if Self.permanent.contains(recipient.statusCode) { return .rejected(recipient) }
        return .retry("\(recipient.statusCode) \(recipient.status)")
    }
}
