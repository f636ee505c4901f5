import ShopWeb
import SokoFunctions

/// `GET /c/{slug}`: a category's products (and its subcategories'), filtered and in cursor pages.
struct CategoryPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let slug = web.context.pathParameter("slug") ?? ""
        let filters = ListingFilters(web.request.query)
        let reader = web
        async let categoriesCall = reader.fetch("catalog", "listCategories")
        async let productsCall = reader.fetch(
            "catalog", "listProducts", RouteCall(query: [("category", slug)] + filters.apiQuery))
        let categories = try await categoriesCall.decode(CategoryTreeData.self).flattened
        guard let category = categories.first(where: { $0.slug == slug }) else {
            throw CallProblem(status: 404, code: "category-not-found", detail: "There is no such category.", fields: [])
        }
        let products = try await productsCall
        guard products.succeeded else {
            // A stale cursor or a bad filter: start the listing again.
            return shop.redirect(web, to: "/c/" + FormEncoding.encode(slug))
        }
        let page = try products.decode(ProductPageData.self)
        let next: HTML = page.nextCursor.map {
            "<p><a rel=\"next\" href=\"/c/\(slug)?\(filters.pageQuery(extra: [], cursor: $0))\">Next page</a></p>"
        } ?? .empty
        let children = (category.children ?? []).map { "<li><a href=\"/c/\($0.slug)\">\($0.name)</a></li>" as HTML }
        return shop.page(
            web, title: category.name,
            """
            <h1>\(category.name)</h1>
            \(children.isEmpty ? HTML.empty : "<ul class=\"chips\">\(children)</ul>")
            \(filters.form(action: "/c/\(slug)"))
            \(ProductCards.grid(page.items, shop: shop))
            \(next)
            """)
    }
}
