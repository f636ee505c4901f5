import SokoFunctions

/// A row of one of the admin delivery logs (email, SMS): read by its columns, paged by
/// (`created_at`, `id`).
protocol LogRecord: Encodable, Sendable {
    /// The `SELECT` list that ``init(row:)`` reads.
    static var columns: String { get }
    init(row: Row) throws
    var id: String { get }
    var createdAt: String { get }
}

/// One page of a log, newest first; `next_cursor` is null on the last page (the key is always there).
struct LogPage<Record: LogRecord>: Encodable, Sendable {
    var items: [Record]
    /// Pass as `?cursor=` for the next page.
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

extension LogPage: Decodable where Record: Decodable {}

/// The query both logs answer: `?status=&limit=&cursor=` → a ``LogPage``, newest first, optionally of
/// one status; `limit` 1–100 (default 20). A bad status, limit or cursor is 400 naming it.
enum LogQuery {
    static func page<Record: LogRecord, Status: RawRepresentable & CaseIterable>(
        of _: Record.Type, from table: String, statuses _: Status.Type, isID: (String) -> Bool, context: FunctionContext
    ) async throws -> LogPage<Record> where Status.RawValue == String {
        let query = context.request.query
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let text = query["status"] {
            guard let status = Status(rawValue: text) else {
                let choices = Status.allCases.map(\.rawValue).joined(separator: ", ")
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
            guard let cursor = NotificationCursor(text: text, isID: isID) else {
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
            SELECT \(Record.columns) FROM \(table) \(filter)
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let items = try rows.prefix(limit).map(Record.init)
        var next: String?
        if rows.count > limit, let last = items.last {
            next = NotificationCursor(createdAt: last.createdAt, id: last.id).text
        }
        return LogPage(items: items, nextCursor: next)
    }

    /// Whether `text` is a log row's id: `prefix` (four characters, e.g. `ntf_`) and 24 hex digits.
    static func isID(_ text: String, prefix: String) -> Bool {
        text.utf8.count == 28 && text.hasPrefix(prefix)
            && text.utf8.dropFirst(4).allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
