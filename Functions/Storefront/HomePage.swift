import ShopWeb
import SokoFunctions

/// `GET /`: the categories and the newest products.
struct HomePage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let reader = web
        async let categoriesCall = reader.fetch("catalog", "listCategories")
        async let featuredCall = reader.fetch(
            "catalog", "listProducts", RouteCall(query: [("limit", "8"), ("sort", "newest"), ("in_stock", "true")]))
        let categories = try await categoriesCall.decode(CategoryTreeData.self).categories
        let products = try await featuredCall.decode(ProductPageData.self).items
        let chips = categories.map { category -> HTML in "<li><a href=\"/c/\(category.slug)\">\(category.name)</a></li>" }
        return shop.page(
            web, title: "Home",
            """
            <h1>Welcome to \(shop.settings.shopName)</h1>
            <section aria-labelledby="categories"><h2 id="categories">Categories</h2>
            <ul class="chips">\(chips)</ul></section>
            <section aria-labelledby="featured"><h2 id="featured">Featured products</h2>
            \(ProductCards.grid(products, shop: shop))</section>
            """)
    }
}
