import ShopWeb
import SokoFunctions

/// `GET /admin/catalog/{id}` — one product: its fields to edit, its stock (on hand to set,
/// reserved and available to see), and archiving or restoring it.
struct ConsoleProduct: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        return try await Self.render(&page, id: context.pathParameter("id") ?? "", form: nil, errors: [])
    }

    /// The page for product `id`, with `form` (as posted) instead of the stored fields when given,
    /// and `errors` above it.
    static func render(_ page: inout ConsoleRequest, id: String, form: ProductForm?, errors: [String]) async throws
        -> FunctionResponse
    {
        let answer = try await page.web.call("catalog", "adminGetProduct", RouteCall(pathParameters: ["id": id]))
        guard answer.succeeded else {
            let title = answer.status == 404 ? "No such product" : "Product"
            return page.page(
                title, status: answer.status, current: .catalog,
                main:
                    "<h1>\(title)</h1>\(ConsoleLayout.errors([answer.problem.message]))<p><a href=\"/admin/catalog\">All products</a></p>"
            )
        }
        let product = try answer.decode(ProductRow.self)
        let variants = try answer.decode(ConsoleVariants.self)
        let categories = try await page.web.call("catalog", "listCategories").decode(CategoryForest.self)
        let csrf = page.web.csrfField
        let shown = form ?? ProductForm(product)
        let state: HTML =
            product.archived
            ? "<span class=\"badge archived\">Archived</span> (hidden from the shop)" : "<span class=\"badge\">On sale</span>"
        let archive: HTML =
            product.archived
            ? """
            <form method="post" action="/admin/catalog/\(product.id)/archive">\(csrf)<input type="hidden" name="archived" value="false">\
            <button type="submit" class="secondary">Restore</button></form>
            """
            : """
            <form method="post" action="/admin/catalog/\(product.id)/archive">\(csrf)<input type="hidden" name="archived" value="true">\
            <button type="submit" class="danger">Archive</button></form>
            """
        // A product sold as variants keeps its stock per variant (the Variants section).
        let stock: HTML = """
            <section aria-labelledby="stock-heading">
            <h2 id="stock-heading">Stock</h2>
            <form class="inline" method="post" action="/admin/catalog/\(product.id)/stock">\(csrf)
            <label>On hand <input name="on_hand" type="number" min="\(product.reserved)" step="1" inputmode="numeric" value="\(product.onHand)" required></label>
            <button type="submit">Update stock</button>
            </form>
            </section>
            """
        return page.page(
            product.name, status: errors.isEmpty ? 200 : 422, current: .catalog,
            main: """
                <p><a href="/admin/catalog">All products</a></p>
                <h1>\(product.name)</h1>
                \(ConsoleLayout.errors(errors))
                <dl class="facts">
                <dt>State</dt><dd>\(state)</dd>
                <dt>Price</dt><dd>\(MoneyText.format(product.price, currency: product.currency))</dd>
                <dt>On hand</dt><dd>\(product.onHand)</dd>
                <dt>Reserved</dt><dd>\(product.reserved) (held by orders awaiting payment)</dd>
                <dt>Available</dt><dd>\(product.available)</dd>
                <dt>Updated</dt><dd>\(ConsoleLayout.time(product.updatedAt))</dd>
                </dl>
                <div class="actions">
                \(variants.soldAsVariants ? .empty : stock)
                <section aria-labelledby="archive-heading">
                <h2 id="archive-heading">Availability</h2>
                \(archive)
                </section>
                </div>
                \(variants.section(productID: product.id, currency: product.currency, csrf: csrf))
                <section aria-labelledby="details-heading">
                <h2 id="details-heading">Details</h2>
                <form class="stack" method="post" action="/admin/catalog/\(product.id)">
                \(csrf)
                \(shown.fields(categories: categories, includeStock: false))
                <button type="submit">Save</button>
                </form>
                </section>
                """)
    }
}
