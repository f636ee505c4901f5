import Contracts
import ShopWeb
import SokoFunctions

/// `GET /admin/sales?status=&cursor=` — every customer's orders, newest first, optionally of one
/// status.
struct ConsoleSales: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        let status = request.query["status"].flatMap { StatusText.orderStates.contains($0) ? $0 : nil }
        var query: [(String, String)] = [("limit", "50")]
        if let status { query.append(("status", status)) }
        if let cursor = request.query["cursor"], !cursor.isEmpty { query.append(("cursor", cursor)) }
        let answer = try await page.web.call("orders", "adminListOrders", RouteCall(query: query))
        guard answer.succeeded else {
            return page.page(
                "Orders", status: answer.status, current: .sales,
                main: "<h1>Orders</h1>\(ConsoleLayout.errors([answer.problem.message]))")
        }
        let orders = try answer.decode(ListPage<OrderDocument>.self)
        let choices = HTML.join(
            StatusText.orderStates.map { value in
                "<option value=\"\(value)\"\(value == status ? HTML.raw(" selected") : .empty)>\(StatusText.order(value))</option>"
            })
        return page.page(
            "Orders", current: .sales,
            main: """
                <h1>Orders</h1>
                <form class="inline" method="get" action="/admin/sales">
                <label>Status <select name="status"><option value="">Any</option>\(choices)</select></label>
                <button type="submit">Filter</button>
                </form>
                \(orders.items.isEmpty ? HTML.raw("<p>No orders.</p>") : SalesTable.table(HTML.join(orders.items.map(SalesTable.row))))
                \(ConsoleLayout.nextPage("/admin/sales", query: query.filter { $0.0 != "limit" }, cursor: orders.nextCursor))
                """)
    }
}
