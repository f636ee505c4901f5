import ShopWeb
import SokoFunctions

/// `GET /admin/mail?status=&cursor=` — the email delivery log (`notifications.listNotifications`):
/// what was sent to whom, what is being retried and what failed, with the last error.
struct ConsoleMail: DependentRawFunction {
    let console: Console

    static let states = ["sent", "retrying", "failed"]

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        let status = request.query["status"].flatMap { Self.states.contains($0) ? $0 : nil }
        var query: [(String, String)] = [("limit", "50")]
        if let status { query.append(("status", status)) }
        if let cursor = request.query["cursor"], !cursor.isEmpty { query.append(("cursor", cursor)) }
        let answer = try await page.web.call("notifications", "listNotifications", RouteCall(query: query))
        guard answer.succeeded else {
            return page.page(
                "Mail log", status: answer.status, current: .mail,
                main: "<h1>Mail log</h1>\(ConsoleLayout.errors([answer.problem.message]))")
        }
        let mail = try answer.decode(ListPage<MailRow>.self)
        let choices = HTML.join(
            Self.states.map { value in
                "<option value=\"\(value)\"\(value == status ? HTML.raw(" selected") : .empty)>\(value.capitalized)</option>"
            })
        let rows = HTML.join(
            mail.items.map { row -> HTML in
                """
                <tr><td>\(ConsoleLayout.time(row.updatedAt))</td><td>\(row.kind)</td><td>\(row.recipient ?? "—")</td>\
                <td>\(row.subject ?? "—")</td><td><span class="badge \(row.status)">\(row.status)</span></td>\
                <td class="num">\(row.attempts)</td><td>\(row.lastError ?? "")</td></tr>
                """
            })
        let table: HTML =
            mail.items.isEmpty
            ? "<p>No mail.</p>"
            : """
            <div class="table"><table>
            <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            """
        return page.page(
            "Mail log", current: .mail,
            main: """
                <h1>Mail log</h1>
                <form class="inline" method="get" action="/admin/mail">
                <label>Status <select name="status"><option value="">Any</option>\(choices)</select></label>
                <button type="submit">Filter</button>
                </form>
                \(table)
                \(ConsoleLayout.nextPage("/admin/mail", query: query.filter { $0.0 != "limit" }, cursor: mail.nextCursor))
                """)
    }
}
