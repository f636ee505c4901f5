import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// Checkout without an account in the storefront: the guest form, its refusals, the order placed
/// from the guest cart and the access-link page it leads to.
@Suite("Storefront guest checkout")
struct GuestCheckoutPagesTests {
    @Test("a guest checks out with an email and lands on the order's access-link page")
    func guestCheckout() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let id = try await store.product("Kettle", sku: "KET-G", price: 150_000, onHand: 5)
        let browser = PageBrowser(store.shop)
        await browser.get("/p/\(id)")
        #expect(await browser.post("/basket/items", [("product_id", id), ("quantity", "2")]).status == 303)
        let form = await browser.get("/checkout")
        #expect(form.status == 200, "\(form.text)")
        #expect(form.text.contains("<label for=\"email\">Email</label>"))
        #expect(form.text.contains("href=\"/signin?next=%2Fcheckout\""))

        let address = [("name", "Akinyi"), ("line1", "Moi Avenue 1"), ("city", "Nairobi"), ("country", "KE")]
        let refused = await browser.post(
            "/checkout", address + [("email", "not an email"), ("phone", "0712345678"), ("idempotency_key", "g-1")])
        #expect(refused.status == 422)
        #expect(refused.text.contains("role=\"alert\""))
        #expect(refused.text.contains("value=\"Moi Avenue 1\""), "the address is kept")

        let placed = await browser.post(
            "/checkout", address + [("email", "akinyi@example.com"), ("phone", "0712 345 678"), ("idempotency_key", "g-2")])
        #expect(placed.status == 303, "\(placed.text)")
        let location = try #require(placed.headers["Location"])
        #expect(location.hasPrefix("/orders/access/"))
        let page = await browser.get(location)
        #expect(page.status == 200, "\(page.text)")
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.headers["Referrer-Policy"] == "no-referrer")
        #expect(page.text.contains("Kettle × 2"))
        #expect(page.text.contains("Pay with M-Pesa"))
        #expect(page.text.contains("value=\"0712345678\""), "the M-Pesa number is the one given at checkout")
        #expect(page.text.contains("We emailed you a link"))
        // The order is the guest's, placed from the guest cart, which is now empty.
        let token = String(location.dropFirst("/orders/access/".count))
        let order = await store.shop.request("GET", "/guest/order", headers: [("X-Order-Access", token)])
        #expect(order.status == 200)
        #expect(order.text.contains(#""guest_email":"akinyi@example.com""#))
        #expect(order.text.contains(#""guest_phone":"254712345678""#))
        let basket = await browser.get("/basket")
        #expect(!basket.text.contains("Kettle"), "\(basket.text)")
        // A wrong link is "not found"; so is one with a changed character.
        #expect(await browser.get("/orders/access/" + String(repeating: "A", count: 43)).status == 404)
        #expect(await browser.get("/orders/access/nonsense").status == 404)
    }
}
