import ShopWeb
import SokoFunctions

/// `POST /basket/items` (form `product_id`, `quantity`, and for a product sold as variants its
/// `option-0`… choices or a `variant_id`): adds to the cart (a guest's first item
/// starts a guest cart, whose token goes in the `soko_cart` cookie), then shows the cart.
struct BasketAdd: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let productID = form["product_id"] ?? ""
        let quantity = form["quantity"].flatMap { Int($0) } ?? 1
        // A product sold as variants: the chosen options name the variant (checked against the catalog).
        var variantID = form["variant_id"].flatMap { $0.isEmpty ? nil : $0 }
        if variantID == nil, form["option-0"] != nil {
            guard let variant = try await Self.variant(productID, form: form, web: web) else {
                web.flash("That combination is not available. Choose another.")
                return shop.redirect(web, to: productID.isEmpty ? "/" : "/p/" + FormEncoding.encode(productID))
            }
            variantID = variant.id
        }
        let body = try JSONCoding.encode(AddLine(productID: productID, variantID: variantID, quantity: quantity))
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
        var variantID: String?
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case variantID = "variant_id"
            case quantity
        }
    }

    /// The variant of `productID` the form's `option-i` values choose, or nil.
    static func variant(_ productID: String, form: FormBody, web: WebRequest) async throws
        -> ProductVariantsData.Variant?
    {
        let answer = try await web.fetch("catalog", "getProduct", RouteCall(pathParameters: ["id": productID]))
        guard answer.succeeded else { return nil }
        return try answer.decode(ProductVariantsData.self).match(form)
    }
}
