import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// The checkout's delivery zone and pay-on-delivery choice, and the order page's delivery line and
/// timeline, in the whole shop (in-process host, real router, auth and stores).
@Suite("Storefront delivery")
struct CheckoutDeliveryTests {
    struct Zone: Encodable {
        var id: String
        var name: String
        var fee: Int
        var currency = "KES"
        var cashOnDelivery: Bool
        enum CodingKeys: String, CodingKey {
            case id, name, fee, currency
            case cashOnDelivery = "cash_on_delivery"
        }
    }

    struct Placed: Decodable {
        var status: String
        var shipping: Int
        var paymentMethod: String
        enum CodingKeys: String, CodingKey {
            case status, shipping
            case paymentMethod = "payment_method"
        }
    }

    @Test("checkout offers the zones with their fees; pay on delivery confirms the order and the order page says so")
    func payOnDeliveryAtCheckout() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        for zone in [
            Zone(id: "cbd", name: "Nairobi CBD", fee: 20_000, cashOnDelivery: true),
            Zone(id: "upcountry", name: "Upcountry <courier>", fee: 60_000, cashOnDelivery: false),
        ] {
            let made = try await store.shop.request("POST", "/admin/delivery-zones", token: store.admin, json: zone)
            #expect(made.status == 201, "\(made.text)")
        }
        let id = try await store.product("Kettle", sku: "KET-D")
        let browser = PageBrowser(store.shop)
        await browser.get("/register")
        _ = await browser.post(
            "/register", [("name", "Akinyi"), ("email", "akinyi@example.com"), ("password", ShopHost.password), ("next", "/")])
        await browser.get("/p/\(id)")
        #expect(await browser.post("/basket/items", [("product_id", id), ("quantity", "1")]).status == 303)
        let form = await browser.get("/checkout")
        #expect(form.text.contains("<legend>Delivery</legend>"))
        #expect(form.text.contains("name=\"delivery_zone\" value=\"cbd\" required"))
        #expect(form.text.contains("Nairobi CBD · <span class=\"price\">KES 200.00</span>"), "\(form.text)")
        #expect(form.text.contains("Upcountry &lt;courier&gt;"), "zone names are text")
        #expect(form.text.contains("value=\"cash_on_delivery\""))
        #expect(form.text.contains("Pay on delivery is available for Nairobi CBD."))

        let address = [("name", "Akinyi"), ("line1", "Moi Avenue 1"), ("city", "Nairobi"), ("country", "KE")]
        // No zone chosen (a browser would not send the form): Orders' reason, the form kept.
        let missing = await browser.post("/checkout", address + [("idempotency_key", "k-zone-1")])
        #expect(missing.status == 422)
        #expect(missing.text.contains("role=\"alert\"") && missing.text.contains("value=\"Moi Avenue 1\""))
        // Pay on delivery where the zone does not take it: refused, the choices kept.
        let refused = await browser.post(
            "/checkout",
            address + [("delivery_zone", "upcountry"), ("payment_method", "cash_on_delivery"), ("idempotency_key", "k-zone-2")])
        #expect(refused.status == 422)
        #expect(refused.text.contains("is not taken for this delivery zone"), "\(refused.text)")
        #expect(refused.text.contains("value=\"upcountry\" required checked"))

        let placed = await browser.post(
            "/checkout",
            address + [("delivery_zone", "cbd"), ("payment_method", "cash_on_delivery"), ("idempotency_key", "k-zone-3")])
        #expect(placed.status == 303, "\(placed.text)")
        let location = try #require(placed.headers["Location"])
        #expect(!location.hasSuffix("/pay"), "nothing to pay online: \(location)")
        let orderID = try #require(location.split(separator: "/").last.map(String.init))
        let order = try await store.shop.request("GET", "/admin/orders/\(orderID)", token: store.admin).json(Placed.self)
        #expect(order.status == "confirmed" && order.shipping == 20_000 && order.paymentMethod == "cash_on_delivery")

        let page = await browser.get(location)
        #expect(page.text.contains("Confirmed, pay on delivery"))
        #expect(page.text.contains("Delivery: Nairobi CBD · KES 200.00"))
        #expect(page.text.contains("Payment: Cash on delivery — please have KES 1,700.00 ready when it arrives."), "\(page.text)")
        #expect(page.text.contains("<ol class=\"timeline\" id=\"order-timeline\">"))
        #expect(page.text.contains("Confirmed, pay on delivery by you"))
    }
}
