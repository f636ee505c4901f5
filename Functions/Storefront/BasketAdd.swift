import ShopWeb
import SokoFunctions

/// `POST /basket/items` (form `product_id`, `quantity`): adds to the cart (a guest's first item
/// starts a guest cart, whose token goes in the `soko_cart` cookie), then shows the cart.
struct BasketAdd: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let productID = form["product_id"] ?? ""
        let quantity = form["quantity"].flatMap { Int($0) } ?? 1
        let body = try JSONCoding.encode(AddLine(productID: productID, quantity: quantity))
        var answer = try await web.call("cart", "addToCart", RouteCall(body: body))
        if answer.status == 404 && answer.problem.code == "cart-not-found" {
            // The guest cart expired: start a new one.
            web.setCookie(.deleting(WebSession.Cookie.cartToken, secure: web.settings.secureCookies))
            var fresh = RouteCall(body: body)
            fresh.headers.set("X-Cart-Token", "")
            answer = try await web.call("cart", "addToCart", fresh)
        }
        guard answer.succeeded else {
            web.flash(answer.problem.message)
            return shop.redirect(web, to: productID.isEmpty ? "/" : "/p/" + FormEncoding.encode(productID))
        }
        web.flash("Added to cart.")
        return shop.redirect(web, to: "/basket")
    }

    struct AddLine: Encodable {
        var productID: String
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }
}
