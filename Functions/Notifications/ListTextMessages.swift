import SokoFunctions

/// One row of the SMS delivery log.
struct TextMessageRecord: Encodable, Sendable {
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

struct TextMessagePage: Encodable, Sendable {
    var items: [TextMessageRecord]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `GET /admin/notifications/sms?status=&cursor=&limit=` (admin) → `{items, next_cursor}`: the SMS
/// delivery log, newest first (`sent`, `retrying`, `failed`, `skipped`); `limit` 1–100 (default 20).
/// A bad status, limit or cursor is 400 naming it.
enum ListTextMessages: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> TextMessagePage {
        let query = context.request.query
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let text = query["status"] {
            guard let status = SmsLog.Status(rawValue: text) else {
                let choices = SmsLog.Status.allCases.map(\.rawValue).joined(separator: ", ")
                throw FunctionError.badRequest("status must be one of: \(choices)", code: "invalid-status")
            }
            parameters.append(.text(status.rawValue))
            conditions.append("status = $\(parameters.count)")
        }
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw FunctionError.badRequest("limit must be an integer from 1 to 100", code: "invalid-limit")
            }
            limit = value
        }
        if let text = query["cursor"] {
            guard let parts = PageCursor.decode(text, parts: 2), parts[0].count == 24, parts[1].hasPrefix("sms_") else {
                throw FunctionError.badRequest("the cursor is not one this service handed out", code: "invalid-cursor")
            }
            let at = parameters.count + 1
            conditions.append("(created_at < $\(at) OR (created_at = $\(at) AND id < $\(at + 1)))")
            parameters += [.text(parts[0]), .text(parts[1])]
        }
        parameters.append(SQLValue(limit + 1))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await context.store.query(
            """
            SELECT \(TextMessageRecord.columns) FROM sms_messages \(filter)
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let items = try rows.prefix(limit).map(TextMessageRecord.init)
        var next: String?
        if rows.count > limit, let last = items.last { next = PageCursor.encode([last.createdAt, last.id]) }
        return TextMessagePage(items: items, nextCursor: next)
    }
}
