import SokoFunctions

/// One delivery log row as admins see it.
struct NotificationRecord: LogRecord, Codable, Equatable {
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

/// One page of the email log.
typealias NotificationPage = LogPage<NotificationRecord>

/// `GET /admin/notifications?status=&cursor=&limit=` (admin) → `{items, next_cursor}`: the
/// delivery log, newest first, optionally of one status; `limit` 1–100 (default 20). A bad
/// status, limit or cursor is 400 naming it.
enum ListNotifications: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> NotificationPage {
        try await LogQuery.page(
            of: NotificationRecord.self, from: "notifications", statuses: NotificationStatus.self, isID: DeliveryLog.isID,
            context: context)
    }
}
