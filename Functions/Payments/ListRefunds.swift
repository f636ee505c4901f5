import SokoFunctions

/// One page of M-Pesa refunds, newest first.
struct RefundPage: Encodable, Sendable {
    var items: [MpesaReversal]
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

/// `GET /admin/refunds?status=&cursor=&limit=` (admin) → `{items, next_cursor}`: the M-Pesa
/// refunds (reversals), newest first — `pending` (not yet accepted by Daraja), `requested`
/// (awaiting Safaricom's result, or Transaction Status's answer), `succeeded`, `failed` (retry with
/// `POST /admin/refunds/{id}/retry`; `not-reversed` and `status-unanswered` come from ``ReconcileReversals``).
/// `limit` 1–100 (default 20); a bad status, limit or cursor is 400 naming it.
enum ListRefunds: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> RefundPage {
        let query = context.request.query
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let text = query["status"] {
            guard let status = MpesaReversal.Status(rawValue: text) else {
                let choices = MpesaReversal.Status.allCases.map(\.rawValue).joined(separator: ", ")
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
            guard let parts = PageCursor.decode(text, parts: 2), parts[0].count == 24, MpesaReversal.isID(parts[1]) else {
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
            SELECT \(MpesaReversal.columns) FROM mpesa_reversals \(filter)
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let items = try rows.prefix(limit).map(MpesaReversal.init)
        var next: String?
        if rows.count > limit, let last = items.last { next = PageCursor.encode([last.createdAt, last.id]) }
        return RefundPage(items: items, nextCursor: next)
    }
}
