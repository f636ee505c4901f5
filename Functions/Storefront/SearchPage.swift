import ShopWeb
import SokoFunctions

/// `GET /search?q=`: full-text search over the catalog (the header's Search field), filtered and
/// in cursor pages.
struct SearchPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let text = String((web.request.query["q"] ?? "").trimmingWhitespace().prefix(200))
        guard !text.isEmpty else {
            return shop.page(web, title: "Search", "<h1>Search</h1><p>Type what you are looking for in the Search field.</p>")
        }
        let filters = ListingFilters(web.request.query)
        let answer = try await web.fetch("catalog", "listProducts", RouteCall(query: [("q", text)] + filters.apiQuery))
        guard answer.succeeded else { return shop.redirect(web, to: "/search?q=" + FormEncoding.encode(text)) }
        let page = try answer.decode(ProductPageData.self)
        let next: HTML = page.nextCursor.map {
            "<p><a rel=\"next\" href=\"/search?\(filters.pageQuery(extra: [("q", text)], cursor: $0))\">Next page</a></p>"
        } ?? .empty
        return shop.page(
            web, title: "Search: \(text)",
            """
            <h1>Results for “\(text)”</h1>
            \(filters.form(action: "/search", hidden: [("q", text)]))
            \(page.items.isEmpty ? "<p>Nothing matches “\(text)”.</p>" : ProductCards.grid(page.items, shop: shop))
            \(next)
            """)
    }
}
