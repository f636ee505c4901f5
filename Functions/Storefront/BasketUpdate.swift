import ShopWeb
import SokoFunctions

/// `POST /basket/items/{product_id}` (form `quantity`, or `remove`, and `variant_id` for a
/// variant's line): changes a line; 0 or Remove
/// takes it out. Back to the cart.
struct BasketUpdate: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let productID = web.context.pathParameter("product_id") ?? ""
        let quantity = form["remove"] != nil ? 0 : form["quantity"].flatMap { Int($0) } ?? 0
        // A variant's line is named by its variant (a hidden field of the line's form).
        let query = form["variant_id"].flatMap { $0.isEmpty ? nil : [("variant_id", $0)] } ?? []
        let answer: CallAnswer
        if quantity <= 0 {
            answer = try await web.call(
                "cart", "removeCartItem", RouteCall(pathParameters: ["product_id": productID], query: query))
        } else {
            struct Quantity: Encodable { var quantity: Int }
            answer = try await web.call(
                "cart", "updateCartItem",
                RouteCall(
                    pathParameters: ["product_id": productID], query: query,
                    body: try JSONCoding.encode(Quantity(quantity: quantity))))
        }
        web.flash(answer.succeeded ? (quantity <= 0 ? "Removed from cart." : "Cart updated.") : answer.problem.message)
        return shop.redirect(web, to: "/basket")
    }
}
