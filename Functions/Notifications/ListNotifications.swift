import SokoFunctions

/// One delivery log row as admins see it.
struct NotificationRecord: Codable, Sendable, Equatable {
    var id: String
    var eventID: String
    var kind: String
    var recipient: String?
    var subject: String?
    var status: String
    var attempts: Int
    var lastError: String?
    var transport: String?
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, recipient, subject, status, attempts, transport
        case eventID = "event_id"
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let columns =
        "id, event_id, kind, recipient, subject, status, attempts, last_error, transport, created_at, updated_at"

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        eventID = try row.string("event_id") ?? ""
        kind = try row.string("kind") ?? ""
        recipient = try row.string("recipient")
        subject = try row.string("subject")
        status = try row.string("status") ?? ""
        attempts = try row.int("attempts") ?? 0
        lastError = try row.string("last_error")
        transport = try row.string("transport")
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }

    func encode(to encoder: Encoder) throws {
        // Absent values are written as null, so every row has every key.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(kind, forKey: .kind)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(subject, forKey: .subject)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(transport, forKey: .transport)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// One page of the log, newest first.
struct NotificationPage: Codable, Sendable {
    var items: [NotificationRecord]
    /// Pass as `?cursor=` for the next page; null on the last page.
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

/// `GET /admin/notifications?status=&cursor=&limit=` (admin) → `{items, next_cursor}`: the
/// delivery log, newest first, optionally of one status; `limit` 1–100 (default 20). A bad
/// status, limit or cursor is 400 naming it.
enum ListNotifications: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> NotificationPage {
        let query = context.request.query
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let text = query["status"] {
            guard let status = NotificationStatus(rawValue: text) else {
                let choices = NotificationStatus.allCases.map(\.rawValue).joined(separator: ", ")
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
            guard let cursor = NotificationCursor(text: text) else {
                throw FunctionError.badRequest("the cursor is not one this service handed out", code: "invalid-cursor")
            }
            let at = parameters.count + 1
            conditions.append("(created_at < $\(at) OR (created_at = $\(at) AND id < $\(at + 1)))")
            parameters += [.text(cursor.createdAt), .text(cursor.id)]
        }
        parameters.append(SQLValue(limit + 1))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await context.store.query(
            """
            SELECT \(NotificationRecord.columns) FROM notifications \(filter)
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let items = try rows.prefix(limit).map(NotificationRecord.init)
        var next: String?
        if rows.count > limit, let last = items.last {
            next = NotificationCursor(createdAt: last.createdAt, id: last.id).text
        }
        return NotificationPage(items: items, nextCursor: next)
    }
}
