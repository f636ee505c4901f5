import SokoFunctions

/// One row of the SMS delivery log.
struct TextMessageRecord: LogRecord {
    var id: String
    var eventID: String
    var kind: String
    var recipient: String?
    var message: String?
    var status: String
    var attempts: Int
    var lastError: String?
    var providerStatus: String?
    var messageID: String?
    var cost: String?
    var createdAt: String
    var updatedAt: String

    static let columns = """
        id, event_id, kind, recipient, message, status, attempts, last_error, provider_status, message_id, cost,
        created_at, updated_at
        """

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        eventID = try row.string("event_id") ?? ""
        kind = try row.string("kind") ?? ""
        recipient = try row.string("recipient")
        message = try row.string("message")
        status = try row.string("status") ?? ""
        attempts = try row.int("attempts") ?? 0
        lastError = try row.string("last_error")
        providerStatus = try row.string("provider_status")
        messageID = try row.string("message_id")
        cost = try row.string("cost")
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, recipient, message, status, attempts, cost
        case eventID = "event_id"
        case lastError = "last_error"
        case providerStatus = "provider_status"
        case messageID = "message_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(kind, forKey: .kind)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(message, forKey: .message)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(providerStatus, forKey: .providerStatus)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(cost, forKey: .cost)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// One page of the SMS log.
typealias TextMessagePage = LogPage<TextMessageRecord>

/// `GET /admin/notifications/sms?status=&cursor=&limit=` (admin) → `{items, next_cursor}`: the SMS
/// delivery log, newest first (`sent`, `retrying`, `failed`, `skipped`); `limit` 1–100 (default 20).
/// A bad status, limit or cursor is 400 naming it.
enum ListTextMessages: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> TextMessagePage {
        try await LogQuery.page(
            of: TextMessageRecord.self, from: "sms_messages", statuses: SmsLog.Status.self, isID: SmsLog.isID,
            context: context)
    }
}
