import ShopWeb
import SokoFunctions

/// `GET /basket`: the cart with current prices, stock warnings, quantity changes and the way to
/// checkout. A guest's cart is the one whose token is in the `soko_cart` cookie.
struct BasketPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let cart = try await Self.load(&web)
        guard let cart, !cart.items.isEmpty else {
            return shop.page(
                web, title: "Cart", "<h1>Your cart</h1><p>Your cart is empty. <a href=\"/\">Find something you like</a>.</p>")
        }
        let lines = cart.items.map { line -> HTML in
            let warning: HTML =
                switch line.warning {
                case "out_of_stock": "<p class=\"out\">Out of stock now</p>"
                case "insufficient_stock": "<p class=\"out\">Only \(line.available ?? 0) left</p>"
                case .some: "<p class=\"out\">Not available</p>"
                case nil: .empty
                }
            let field = "qty-\(line.productID)\(line.variantID.map { "-" + $0 } ?? "")"
            let options: HTML = line.optionText.map { "<p class=\"options\">\($0)</p>" } ?? .empty
            let variant: HTML = line.variantID.map { "<input type=\"hidden\" name=\"variant_id\" value=\"\($0)\">" } ?? .empty
            return """
                <li><a href="/p/\(line.productID)">\(line.name ?? "Product")</a>
                \(options)
                <p>\(line.unitPrice.map { shop.money($0, line.currency) } ?? "") × \(line.quantity) = <span class="price">\(line.lineTotal.map { shop.money($0, line.currency) } ?? "")</span></p>
                \(warning)
                <form class="inline" method="post" action="/basket/items/\(line.productID)">\(web.csrfField)\(variant)
                <div class="field"><label for="\(field)">Quantity</label>
                <input id="\(field)" name="quantity" type="number" inputmode="numeric" min="0" max="99" value="\(line.quantity)"></div>
                <button type="submit" class="secondary">Update</button>
                <button type="submit" class="secondary" name="remove" value="1">Remove</button>
                </form></li>
                """
        }
        return shop.page(
            web, title: "Cart",
            """
            <h1>Your cart</h1>
            <ul class="lines">\(lines)</ul>
            <p>Subtotal: <span class="price">\(shop.money(cart.subtotal, cart.currency))</span></p>
            <p><a class="button" href="/checkout">Checkout</a></p>
            """)
    }

    /// The shopper's cart; nil for a guest without one. A guest token the cart service no longer
    /// knows (expired, merged) is dropped.
    static func load(_ web: inout WebRequest) async throws -> CartData? {
        guard web.session.isSignedIn || web.session.cartToken != nil else { return nil }
        let answer = try await web.call("cart", "getCart")
        if answer.status == 404 {
            web.setCookie(.deleting(WebSession.Cookie.cartToken, secure: web.settings.secureCookies))
            return nil
        }
        return try answer.decode(CartData.self)
    }
}
