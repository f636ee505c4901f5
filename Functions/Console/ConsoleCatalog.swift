import ShopWeb
import SokoFunctions

/// `GET /admin/catalog?status=&q=&cursor=` — every product, archived ones too, with its stock:
/// on hand, reserved by orders in progress, and available to shoppers.
struct ConsoleCatalog: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        let status = ["active", "archived"].contains(request.query["status"] ?? "") ? request.query["status"]! : "all"
        let search = request.query["q"]?.trimmingWhitespace() ?? ""
        var query: [(String, String)] = [("status", status), ("limit", "50")]
        if !search.isEmpty { query.append(("q", search)) }
        if let cursor = request.query["cursor"], !cursor.isEmpty { query.append(("cursor", cursor)) }
        let answer = try await page.web.call("catalog", "adminListProducts", RouteCall(query: query))
        guard answer.succeeded else {
            return page.page(
                "Products", status: answer.status, current: .catalog,
                main: "<h1>Products</h1>\(ConsoleLayout.errors([answer.problem.message]))")
        }
        let products = try answer.decode(ListPage<ProductRow>.self)
        let choices = HTML.join(
            [("all", "All"), ("active", "On sale"), ("archived", "Archived")].map { value, label in
                "<option value=\"\(value)\"\(value == status ? HTML.raw(" selected") : .empty)>\(label)</option>"
            })
        let rows = HTML.join(
            products.items.map { product -> HTML in
                let state: HTML =
                    product.archived ? "<span class=\"badge archived\">Archived</span>" : "<span class=\"badge\">On sale</span>"
                return """
                    <tr><td><a href="/admin/catalog/\(product.id)">\(product.name)</a></td><td>\(product.sku)</td>\
                    <td class="num">\(MoneyText.format(product.price, currency: product.currency))</td>\
                    <td class="num">\(product.onHand)</td><td class="num">\(product.reserved)</td><td class="num">\(product.available)</td>\
                    <td>\(state)</td></tr>
                    """
            })
        let table: HTML =
            products.items.isEmpty
            ? "<p>No products match.</p>"
            : """
            <div class="table"><table>
            <thead><tr><th scope="col">Name</th><th scope="col">SKU</th><th scope="col" class="num">Price</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th><th scope="col" class="num">Available</th><th scope="col">State</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            """
        return page.page(
            "Products", current: .catalog,
            main: """
                <h1>Products</h1>
                <p><a href="/admin/catalog/new">Add a product</a></p>
                <form class="inline" method="get" action="/admin/catalog" role="search">
                <label>Find <input name="q" value="\(search)" maxlength="200" placeholder="Name or SKU"></label>
                <label>Show <select name="status">\(choices)</select></label>
                <button type="submit">Filter</button>
                </form>
                \(table)
                \(ConsoleLayout.nextPage("/admin/catalog", query: query, cursor: products.nextCursor))
                """)
    }
}
