import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Notifications

/// Texts about a guest's order (`customer_id` `guest:…`) in the whole shop: the phone the guest
/// gave at checkout comes from Orders (`orders.guestContact`) and the text goes to it in E.164
/// through Africa's Talking's wire format (``FakeAfricasTalking`` at the sandbox's URL); a guest
/// who gave no phone, or one Orders does not know, is skipped — on SQLite and PostgreSQL.
@Suite("Guest SMS")
struct GuestSmsTests {
    @Test func aGuestWithAPhoneIsTexted() async throws {
        try await journey(NotifyShop.start())
    }

    @Test func guestTextsWorkOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await journey(NotifyShop.start(configuration: configuration))
    }

    /// Places a guest order (optionally with `phone`) and returns its order id and `customer_id`.
    func guestOrder(_ shop: ShopHost, admin: String, email: String, phone: String?) async throws -> (
        order: String, customer: String
    ) {
        let sku = "SMS-\(UUID().uuidString.prefix(8))"
        let category = try await shop.request("POST", "/categories", token: admin, json: ["name": sku])
        let product = try await shop.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: sku, name: "Kikoi", description: "", price: 150_000, currency: "KES",
                categoryID: try category.json(Identified.self).id, onHand: 10))
        let productID = try product.json(Identified.self).id
        let phoneField = phone.map { #""phone":"\#($0)","# } ?? ""
        let body =
            #"{"email":"\#(email)",\#(phoneField)"shipping_address":{"name":"Akinyi Otieno","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":[{"product_id":"\#(productID)","quantity":1}]}"#
        let placed = await shop.request(
            "POST", "/guest/orders", headers: [("Idempotency-Key", UUID().uuidString)], body: Array(body.utf8))
        guard placed.status == 201 else { throw ShopTestError("guest order: \(placed.status) \(placed.text)") }
        let orderID = try placed.json(Identified.self).id
        let customer = try #require(
            try await shop.store("orders").query("SELECT customer_id FROM orders WHERE id = $1", [.text(orderID)]).first?
                .string("customer_id"))
        #expect(GuestOrdersContract.isGuest(customer))
        return (orderID, customer)
    }

    static func placed(_ order: String, customer: String, id: String) -> Event<OrderEvent> {
        Event(
            id: id, name: "order.placed", source: "orders", occurredAt: "2026-12-06T00:00:00.000Z",
            payload: OrderEvent(
                orderID: order, customerID: customer, currency: "KES", subtotal: 150_000, total: 150_000, lines: []))
    }

    func journey(_ shop: ShopHost) async throws {
        let fake = FakeAfricasTalking()
        let client = AfricasTalkingClient(settings: SmsDeliveryTests.sms)
        let placedText = TextOrderPlaced(settings: SmsDeliveryTests.settings, client: client)
        let paidText = TextOrderPaid(settings: SmsDeliveryTests.settings, client: client)
        let admin = try await shop.admin()

        // A guest who gave a phone (any accepted form) is texted at it, in E.164, by name.
        let texted = try await guestOrder(shop, admin: admin, email: "akinyi.sms@example.com", phone: "0712 345 678")
        let placed = try SmsDeliveryTests.context(shop, "textOrderPlaced", fake: fake)
        let event = Self.placed(texted.order, customer: texted.customer, id: "guest-sms-1")
        #expect(try await placedText.run(event, context: placed) == .sent)
        #expect(fake.requests.count == 1)
        let form = fake.lastForm
        #expect(form["to"] == "+254712345678" && form["username"] == "sandbox" && form["from"] == "DUKA")
        #expect(form["message"]?.contains("Akinyi, we received order #\(texted.order.prefix(8).uppercased())") == true)
        let row = try #require(try await SmsDeliveryTests.row(shop, "guest-sms-1"))
        #expect(row.status == "sent")
        // A redelivery sends nothing more.
        #expect(try await placedText.run(event, context: placed) == .sent)
        #expect(fake.requests.count == 1)
        // Other texts about the order go to the same phone.
        let paid = try SmsDeliveryTests.context(shop, "textOrderPaid", fake: fake)
        #expect(try await paidText.run(SmsDeliveryTests.paid(texted.customer, id: "guest-sms-2"), context: paid) == .sent)
        #expect(fake.requests.count == 2 && fake.lastForm["to"] == "+254712345678")

        // No phone given: skipped for good, nothing sent.
        let silent = try await guestOrder(shop, admin: admin, email: "no.phone@example.com", phone: nil)
        #expect(
            try await placedText.run(Self.placed(silent.order, customer: silent.customer, id: "guest-sms-3"), context: placed)
                == .skipped)
        #expect(try await SmsDeliveryTests.row(shop, "guest-sms-3")?.error == "no phone number on file")
        // A guest Orders does not know: skipped, naming the service asked.
        let unknown = "guest:" + String(repeating: "0", count: 32)
        #expect(
            try await placedText.run(Self.placed(silent.order, customer: unknown, id: "guest-sms-4"), context: placed)
                == .skipped)
        #expect(try await SmsDeliveryTests.row(shop, "guest-sms-4")?.error == "orders does not know guest \(unknown)")
        #expect(fake.requests.count == 2)
        #expect(await shop.shutdown())
    }
}
