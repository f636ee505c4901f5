import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// The card option on a guest's order page (`/orders/access/{token}`): the button to the card
/// page, the card page's refusals (a wrong token, an order no longer awaiting payment, a shop that
/// takes no cards) and its answer when Stripe cannot be reached. The card form itself, confirmed
/// on the sandbox's Stripe until the order is paid, is driven in Chromium
/// (Tests/browser/test_guest_checkout.py).
@Suite("Storefront guest card payment")
struct GuestCardPagesTests {
    /// A guest checkout in `store`; returns the browser and the order page's path.
    func guestOrder(_ store: StorefrontShop, sku: String) async throws -> (PageBrowser, String) {
        let id = try await store.product("Kettle", sku: sku, price: 150_000, onHand: 5)
        let browser = PageBrowser(store.shop)
        await browser.get("/p/\(id)")
        #expect(await browser.post("/basket/items", [("product_id", id), ("quantity", "1")]).status == 303)
        await browser.get("/checkout")
        let placed = await browser.post(
            "/checkout",
            [("name", "Akinyi"), ("line1", "Moi Avenue 1"), ("city", "Nairobi"), ("country", "KE")]
                + [("email", "card-guest@example.com"), ("phone", "0712345678"), ("idempotency_key", UUID().uuidString)])
        #expect(placed.status == 303, "\(placed.text)")
        let location = try #require(placed.headers["Location"])
        #expect(location.hasPrefix("/orders/access/"))
        return (browser, location)
    }

    @Test("a guest's order page offers the card page, which refuses what it cannot pay")
    func cardOffer() async throws {
        // Stripe's API is a closed port: the payment cannot start.
        let store = try await StorefrontShop.start(environment: ["SOKO_STRIPE_BASE_URL": "http://127.0.0.1:9"])
        defer { Task { await store.shop.shutdown() } }
        let (browser, order) = try await guestOrder(store, sku: "KET-CARD")
        let page = await browser.get(order)
        #expect(page.text.contains("<form method=\"get\" action=\"\(order)/card\"><button type=\"submit\">Pay by card</button>"))

        // Stripe unreachable: back to the order's page with the reason; nothing is paid.
        let failed = await browser.get(order + "/card")
        #expect(failed.status == 303, "\(failed.text)")
        #expect(failed.headers["Location"] == order)
        let back = await browser.get(order)
        #expect(back.text.contains("role=\"status\""), "\(back.text)")
        #expect(back.text.contains("Status: <span class=\"status\" id=\"order-status\">Awaiting payment"))
        let token = String(order.dropFirst("/orders/access/".count))
        let payments = try await store.shop.store("payments").query(
            "SELECT method, status, customer_id FROM payments", [])
        #expect(payments.count <= 1)
        for row in payments {
            #expect(try row.string("method") == "stripe" && row.string("status") != "succeeded")
            #expect(try row.string("customer_id")?.hasPrefix("guest:") == true)
        }

        // Back from an accepted card (`?card=1`), the page says the payment is being confirmed.
        #expect(await browser.get(order + "?card=1").text.contains("Your card was accepted."))
        #expect(!back.text.contains("Your card was accepted."))

        // A wrong token is not found; a cancelled order goes back to its page without a new payment.
        #expect(await browser.get("/orders/access/" + String(repeating: "A", count: 43) + "/card").status == 404)
        let cancelled = await store.shop.request(
            "POST", "/guest/orders/\(try orderID(store, token))/cancel", headers: [("X-Order-Access", token)])
        #expect(cancelled.status == 200, "\(cancelled.text)")
        let settled = await browser.get(order + "/card")
        #expect(settled.status == 303 && settled.headers["Location"] == order)
        #expect(try await store.shop.store("payments").query("SELECT id FROM payments", []).count == payments.count)
        #expect(!(await browser.get(order)).text.contains("Pay by card"))
    }

    @Test("a shop that takes no cards offers none to guests")
    func noCards() async throws {
        let store = try await StorefrontShop.start(environment: ["SOKO_PAYMENT_METHODS": "mpesa"])
        defer { Task { await store.shop.shutdown() } }
        let (browser, order) = try await guestOrder(store, sku: "KET-NOCARD")
        let page = await browser.get(order)
        #expect(page.text.contains("Pay with M-Pesa"))
        #expect(!page.text.contains("Pay by card"))
        let card = await browser.get(order + "/card")
        #expect(card.status == 303 && card.headers["Location"] == order)
    }

    func orderID(_ store: StorefrontShop, _ token: String) async throws -> String {
        let order = await store.shop.request("GET", "/guest/order", headers: [("X-Order-Access", token)])
        return try order.json(Identified.self).id
    }
}
