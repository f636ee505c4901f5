import ShopWeb
import SokoFunctions

/// `GET /checkout`: the cart's summary and the shipping address form (signed-in shoppers; others
/// get the guest checkout, ``GuestCheckout``). The form carries a fresh idempotency key, so a double click or a
/// resubmission places one order.
struct CheckoutPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        guard web.session.isSignedIn else { return try await GuestCheckout.page(&web, shop: shop) }
        let cart = try await BasketPage.load(&web)
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: "/checkout") }
        guard let cart, !cart.items.isEmpty else {
            web.flash("Your cart is empty.")
            return shop.redirect(web, to: "/basket")
        }
        let profile = try await web.call("users", "me")
        var entries: [String: String] = [:]
        if profile.succeeded, let me = try? profile.decode(Profile.self) {
            entries["name"] = me.shippingAddress?.name ?? me.name
            entries["phone"] = me.phone
            entries["line1"] = me.shippingAddress?.line1
            entries["line2"] = me.shippingAddress?.line2
            entries["city"] = me.shippingAddress?.city
        }
        let zones = try await CheckoutDelivery.zones(&web)
        return shop.page(
            web, title: "Checkout", Self.form(web, cart: cart, shop: shop, entries: entries, error: nil, zones: zones))
    }

    /// The parts of `users.me` that prefill the form: the name, phone and saved address.
    struct Profile: Decodable {
        struct Address: Decodable {
            var name: String?
            var line1: String?
            var line2: String?
            var city: String?
        }
        var name: String
        var phone: String?
        var shippingAddress: Address?
        enum CodingKeys: String, CodingKey {
            case name, phone
            case shippingAddress = "shipping_address"
        }
    }

    /// The checkout form, for a signed-in customer or (`guest`) a shopper without an account, who
    /// also gives an email and a phone for the order's mail and M-Pesa (``GuestCheckout``).
    static func form(
        _ web: WebRequest, cart: CartData?, shop: Storefront, entries: [String: String], error: String?,
        zones: [CheckoutDelivery.Zone] = [], guest: Bool = false
    ) -> HTML {
        func value(_ name: String) -> String { entries[name] ?? "" }
        let key = entries["idempotency_key"] ?? Hex.random(digits: 32)
        let summary: HTML =
            cart.map {
                "<p>\($0.itemCount) item(s), subtotal <span class=\"price\">\(shop.money($0.subtotal, $0.currency))</span></p>"
            } ?? .empty
        let contact: HTML = """
            <fieldset><legend>Your contact</legend>
            <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="\(value("email"))"></div>
            <div class="field"><label for="phone">Phone</label><input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="0712 345678" value="\(value("phone"))"></div>
            </fieldset>
            """
        let optionalPhone: HTML = """
            <div class="field"><label for="phone">Phone (optional)</label><input id="phone" name="phone" type="tel" autocomplete="tel" value="\(value("phone"))"></div>
            """
        return """
            <h1>Checkout</h1>
            \(summary)
            \(guest ? "<p>Have an account? <a href=\"/signin?next=%2Fcheckout\">Sign in</a> — or check out as a guest:</p>" as HTML : .empty)
            \(error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" as HTML })
            <form method="post" action="/checkout">\(web.csrfField)
            <input type="hidden" name="idempotency_key" value="\(key)">
            \(guest ? contact : .empty)
            <fieldset><legend>Delivery address</legend>
            <div class="field"><label for="name">Name</label><input id="name" name="name" autocomplete="name" required value="\(value("name"))"></div>
            <div class="field"><label for="line1">Address line 1</label><input id="line1" name="line1" autocomplete="address-line1" required value="\(value("line1"))"></div>
            <div class="field"><label for="line2">Address line 2 (optional)</label><input id="line2" name="line2" autocomplete="address-line2" value="\(value("line2"))"></div>
            <div class="field"><label for="city">City</label><input id="city" name="city" autocomplete="address-level2" required value="\(value("city"))"></div>
            \(guest ? .empty : optionalPhone)
            <input type="hidden" name="country" value="KE">
            </fieldset>
            \(CheckoutDelivery.fieldsets(zones, entries: entries, shop: shop))
            <div class="field"><label for="coupon_code">Coupon code (optional)</label><input id="coupon_code" name="coupon_code" autocomplete="off" autocapitalize="characters" value="\(value("coupon_code"))"></div>
            <button type="submit">Place order</button>
            </form>
            """
    }
}
