import Contracts
import ShopWeb
import SokoFunctions

/// `GET /account/orders`: the shopper's orders, newest first, in cursor pages.
struct OrdersPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: "/account/orders") }
        var query: [(String, String)] = [("limit", "20")]
        if let cursor = web.request.query["cursor"], !cursor.isEmpty { query.append(("cursor", cursor)) }
        let answer = try await web.call("orders", "listOrders", RouteCall(query: query))
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: "/account/orders") }
        guard answer.succeeded || answer.status != 400 else { return shop.redirect(web, to: "/account/orders") }
        let page = try answer.decode(OrderDocument.Page.self)
        let rows = page.items.map { order -> HTML in
            """
            <li><a href="\(OrderText.path(order.id))">Order \(String(order.id.prefix(8)))</a>
            · \(String(order.createdAt.prefix(10))) · <span class="status">\(OrderText.status(order.status))</span>
            · <span class="price">\(shop.money(order.total, order.currency))</span></li>
            """
        }
        let next: HTML =
            page.nextCursor.map {
                "<p><a rel=\"next\" href=\"/account/orders?cursor=\(FormEncoding.encode($0))\">Older orders</a></p>"
            } ?? .empty
        return shop.page(
            web, title: "My orders",
            """
            <h1>My orders</h1>
            \(rows.isEmpty ? "<p>No orders yet.</p>" : "<ul class=\"lines\">\(rows)</ul>" as HTML)
            \(next)
            """)
    }
}
