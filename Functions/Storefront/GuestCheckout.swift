import ShopWeb
import SokoFunctions

/// Checkout without an account: what `GET /checkout` and `POST /checkout` do for a shopper who is
/// not signed in. The form asks for an email and phone with the delivery address; the order is the
/// guest cart (`orders.guestPlaceOrder` with the session's `X-Cart-Token`), and the shopper goes on
/// to the order's access-link page (`/orders/access/<token>`, the link the confirmation mails),
/// where they pay.
enum GuestCheckout {
    struct Placement: Encodable {
        var email: String
        var phone: String?
        var shippingAddress: CheckoutSubmit.Address
        var couponCode: String?
        /// The delivery zone and pay-on-delivery choice (``CheckoutDelivery``; omitted when none).
        var deliveryZone: String?
        var paymentMethod: String?
        enum CodingKeys: String, CodingKey {
            case email, phone
            case shippingAddress = "shipping_address"
            case couponCode = "coupon_code"
            case deliveryZone = "delivery_zone"
            case paymentMethod = "payment_method"
        }
    }

    struct Placed: Decodable {
        var accessToken: String
        var status: String?
        enum CodingKeys: String, CodingKey {
            case status
            case accessToken = "access_token"
        }
    }

    /// `GET /checkout` for a guest: the form; without a guest cart, sign in first (the shopper's
    /// cart may be in their account).
    static func page(_ web: inout WebRequest, shop: Storefront) async throws -> FunctionResponse {
        let cart = try await BasketPage.load(&web)
        guard let cart, !cart.items.isEmpty else { return shop.signInFirst(web, next: "/checkout") }
        let zones = try await CheckoutDelivery.zones(&web)
        return shop.page(web, title: "Checkout", form(web, cart: cart, shop: shop, entries: [:], error: nil, zones: zones))
    }

    /// `POST /checkout` for a guest: places the order, then its page.
    static func submit(_ web: inout WebRequest, form: FormBody, shop: Storefront) async throws -> FunctionResponse {
        func text(_ name: String) -> String? { form[name].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 } }
        let address = CheckoutSubmit.Address(
            name: form["name"] ?? "", line1: form["line1"] ?? "", line2: text("line2"), city: form["city"] ?? "",
            country: form["country"] ?? "KE", phone: text("phone"))
        let key = form["idempotency_key"].flatMap { $0.count <= 64 ? $0 : nil } ?? Hex.random(digits: 32)
        let delivery = CheckoutDelivery.choice(form)
        let placement = Placement(
            email: form["email"] ?? "", phone: text("phone"), shippingAddress: address, couponCode: text("coupon_code"),
            deliveryZone: delivery.zone, paymentMethod: delivery.method)
        let answer = try await web.call(
            "orders", "guestPlaceOrder",
            RouteCall(headers: ["Idempotency-Key": key], body: try JSONCoding.encode(placement)))
        guard answer.succeeded else {
            var entries = Dictionary(form.fields.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            if answer.status < 500 { entries["idempotency_key"] = nil }
            let zones = try await CheckoutDelivery.zones(&web)
            return shop.page(
                web, title: "Checkout",
                Self.form(web, cart: nil, shop: shop, entries: entries, error: answer.problem.message, zones: zones),
                status: answer.status >= 500 ? 503 : 422)
        }
        let placed = try answer.decode(Placed.self)
        web.flash(
            placed.status == "confirmed"
                ? "Order confirmed. We emailed you a link to this page. Please have the money ready when it is delivered."
                : "Order placed. We emailed you a link to this page. Pay below.")
        return shop.redirect(web, to: GuestOrderPage.path(placed.accessToken))
    }

    static func form(
        _ web: WebRequest, cart: CartData?, shop: Storefront, entries: [String: String], error: String?,
        zones: [CheckoutDelivery.Zone] = []
    ) -> HTML {
        CheckoutPage.form(web, cart: cart, shop: shop, entries: entries, error: error, zones: zones, guest: true)
    }
}
