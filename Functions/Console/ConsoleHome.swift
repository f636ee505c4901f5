import Contracts
import ShopWeb
import SokoFunctions

/// `GET /admin` — the dashboard: what needs the merchant now (paid orders to ship, orders to
/// deliver and collect the money for, mail that failed, dead letters), with links to each section.
struct ConsoleHome: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        let toShip = try await page.web.call(
            "orders", "adminListOrders", RouteCall(query: [("status", "paid"), ("limit", "20")])
        ).decode(ListPage<OrderDocument>.self)
        let awaiting = try await page.web.call(
            "orders", "adminListOrders", RouteCall(query: [("status", "pending_payment"), ("limit", "20")])
        ).decode(ListPage<OrderDocument>.self)
        let onDelivery = try await page.web.call(
            "orders", "adminListOrders", RouteCall(query: [("status", "confirmed"), ("limit", "20")])
        ).decode(ListPage<OrderDocument>.self)
        let failedMail = try await page.web.call(
            "notifications", "listNotifications", RouteCall(query: [("status", "failed"), ("limit", "20")])
        ).decode(ListPage<MailRow>.self)
        let dead = await DeadLetterSummary.load(context)

        func count<T>(_ list: ListPage<T>) -> String { list.nextCursor == nil ? "\(list.items.count)" : "\(list.items.count)+" }
        let rows = HTML.join(toShip.items.map(SalesTable.row))
        let table: HTML =
            toShip.items.isEmpty
            ? "<p>No paid order is waiting to be shipped.</p>"
            : SalesTable.table(rows)
        return page.page(
            "Dashboard", current: .home,
            main: """
                <h1>Dashboard</h1>
                <div class="cards">
                <p class="card"><a href="/admin/sales?status=paid">To ship</a><strong>\(count(toShip))</strong></p>
                <p class="card"><a href="/admin/sales?status=pending_payment">Awaiting payment</a><strong>\(count(awaiting))</strong></p>
                <p class="card"><a href="/admin/sales?status=confirmed">To deliver and collect</a><strong>\(count(onDelivery))</strong></p>
                <p class="card"><a href="/admin/mail?status=failed">Failed mail</a><strong>\(count(failedMail))</strong></p>
                <p class="card"><a href="/admin/dead-letters">Dead letters</a><strong>\(dead.total)</strong></p>
                </div>
                <h2>Paid, waiting to ship</h2>
                \(table)
                <p><a href="/admin/catalog/new">Add a product</a></p>
                """)
    }
}
