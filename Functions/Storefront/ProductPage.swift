import ShopWeb
import SokoFunctions

/// `GET /p/{id}`: a product with its price, stock and the add-to-cart form.
struct ProductPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        let answer = try await web.fetch("catalog", "getProduct", RouteCall(pathParameters: ["id": id]))
        guard answer.succeeded else {
            throw CallProblem(status: 404, code: "product-not-found", detail: "There is no such product.", fields: [])
        }
        let product = try answer.decode(ProductItem.self)
        let available = product.available ?? 0
        let variants = try answer.decode(ProductVariantsData.self)
        let buy: HTML =
            variants.isSoldAsVariants
            ? variants.form(web, productID: product.id) { shop.money($0, product.currency) }
            : available > 0
                ? """
                <form method="post" action="/basket/items">\(web.csrfField)
                <input type="hidden" name="product_id" value="\(product.id)">
                <div class="inline"><div class="field"><label for="quantity">Quantity</label>
                <input id="quantity" name="quantity" type="number" inputmode="numeric" min="1" max="\(min(available, 99))" value="1" required></div>
                <button type="submit">Add to cart</button></div>
                </form>
                """
                : "<p><button type=\"button\" disabled>Add to cart</button> This product is out of stock.</p>"
        return shop.page(
            web, title: product.name,
            """
            <article>
            <h1>\(product.name)</h1>
            <p class="price">\(shop.money(product.price, product.currency))</p>
            \(ProductCards.stock(available))
            <p>\(product.description ?? "")</p>
            \(buy)
            </article>
            """)
    }
}
