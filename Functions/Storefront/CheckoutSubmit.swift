import ShopWeb
import SokoFunctions

/// `POST /checkout` (the address form): places the order from the cart through `orders.placeOrder`
/// with the form's idempotency key, then goes on to payment.
struct CheckoutSubmit: StorefrontPage {
    let shop: Storefront

    struct Address: Encodable {
        var name: String
        var line1: String
        var line2: String?
        var city: String
        var country: String
        var phone: String?
    }

    struct Placement: Encodable {
        var shippingAddress: Address
        /// The coupon the shopper typed (omitted when none).
        var couponCode: String?
        /// The delivery zone and pay-on-delivery choice (``CheckoutDelivery``; omitted when none).
        var deliveryZone: String?
        var paymentMethod: String?
        enum CodingKeys: String, CodingKey {
            case shippingAddress = "shipping_address"
            case couponCode = "coupon_code"
            case deliveryZone = "delivery_zone"
            case paymentMethod = "payment_method"
        }
    }

    struct Placed: Decodable {
        var id: String
        var status: String?
    }

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        guard web.session.isSignedIn else { return try await GuestCheckout.submit(&web, form: form, shop: shop) }
        let address = Address(
            name: form["name"] ?? "", line1: form["line1"] ?? "", line2: form["line2"], city: form["city"] ?? "",
            country: form["country"] ?? "KE", phone: form["phone"])
        let coupon = form["coupon_code"].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        let key = form["idempotency_key"].flatMap { $0.count <= 64 ? $0 : nil } ?? Hex.random(digits: 32)
        let delivery = CheckoutDelivery.choice(form)
        let answer = try await web.call(
            "orders", "placeOrder",
            RouteCall(
                headers: ["Idempotency-Key": key],
                body: try JSONCoding.encode(
                    Placement(
                        shippingAddress: address, couponCode: coupon, deliveryZone: delivery.zone,
                        paymentMethod: delivery.method))))
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: "/checkout") }
        guard answer.succeeded else {
            var entries = Dictionary(form.fields.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            // A refused order (a bad coupon, stock) spent its key: the corrected form is a new order. After
            // a 5xx the outcome is unknown, so the same key goes again and finds the order if it was placed.
            if answer.status < 500 { entries["idempotency_key"] = nil }
            let zones = try await CheckoutDelivery.zones(&web)
            return shop.page(
                web, title: "Checkout",
                CheckoutPage.form(
                    web, cart: nil, shop: shop, entries: entries, error: answer.problem.message, zones: zones),
                status: answer.status >= 500 ? 503 : 422)
        }
        let order = try answer.decode(Placed.self)
        if order.status == "confirmed" {
            // Paid on delivery: nothing to pay now.
            web.flash("Order confirmed. Please have the money ready when it is delivered.")
            return shop.redirect(web, to: OrderText.path(order.id))
        }
        web.flash("Order placed. Choose how to pay.")
        return shop.redirect(web, to: "/account/orders/\(FormEncoding.encode(order.id))/pay")
    }
}
