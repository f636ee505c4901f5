import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import Testing

@testable import Payments

/// A guest pays, then a customer claims the order with its access token: `order.claimed` (orders
/// outbox, through the relay) makes the payment the customer's, so `GET /payments/{id}` answers
/// them 200 — and still 404 to anyone else. On SQLite and on PostgreSQL.
@Suite("Claimed guest payments")
struct GuestClaimPaymentTests {
    @Test func theClaimingCustomerReadsTheGuestsPayment() async throws {
        try await PaymentsShop.with { try await claimedPayment($0) }
    }

    @Test func theClaimingCustomerReadsTheGuestsPaymentOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(configuration: configuration) { try await claimedPayment($0) }
    }

    func claimedPayment(_ shop: PaymentsShop) async throws {
        let guest = GuestPaymentTests()
        let order = try await guest.guestOrder(shop)
        let paymentID = try await guest.pay(shop, order.id, token: order.token).body.paymentID
        let stranger = try await shop.shop.customer("stranger-\(UUID().uuidString.prefix(6).lowercased())@example.com")
        let guestID = try await shop.payment(paymentID).customerID
        // Before the claim the payment is the guest's: no customer reads it.
        #expect(await shop.shop.request("GET", "/payments/\(paymentID)", token: shop.customer).status == 404)

        let claimed = try await shop.shop.request(
            "POST", "/orders/claim", token: shop.customer, json: ["access_token": order.token])
        #expect(claimed.status == 200, "\(claimed.text)")
        let read = try await poll { await shop.shop.request("GET", "/payments/\(paymentID)", token: shop.customer).status == 200 }
        #expect(read, "the claiming customer never got their payment")
        #expect(try await shop.payment(paymentID).customerID == shop.customerID)
        let other = await shop.shop.request("GET", "/payments/\(paymentID)", token: stranger)
        #expect(other.status == 404)
        #expect(other.problem?.code == "payment-not-found")

        // One event per claimed order; a redelivery (or a forged new owner) moves nothing more.
        let events = try await shop.shop.store("orders").query(
            "SELECT payload FROM soko_outbox WHERE name = 'order.claimed'", [])
        #expect(events.count == 1)
        let again = Event(
            id: "redelivered", name: "order.claimed", source: "orders", occurredAt: "",
            payload: OrderClaimed(orderID: order.id, customerID: "someone-else"))
        #expect(try await AdoptClaimedPayments.run(again, context: shop.context("adoptClaimedPayments")) == 0)
        #expect(try await shop.payment(paymentID).customerID == shop.customerID)

        // A payment written with the guest's id in the instant between the claim and the event
        // (put back here by hand, once the event was processed, so only the read can move it): the
        // claiming customer's read adopts it; a stranger's does not.
        let processed = try await poll {
            try await !shop.shop.store("orders").query(
                "SELECT event_id FROM soko_deliveries WHERE consumer LIKE '%adoptClaimedPayments%' AND status = 'delivered'", []
            ).isEmpty
        }
        #expect(processed, "order.claimed never reached adoptClaimedPayments")
        try await shop.shop.store("payments").execute(
            "UPDATE payments SET customer_id = $1 WHERE id = $2", [.text(guestID), .text(paymentID)])
        #expect(await shop.shop.request("GET", "/payments/\(paymentID)", token: stranger).status == 404)
        #expect(try await shop.payment(paymentID).customerID == guestID)
        let adopted = await shop.shop.request("GET", "/payments/\(paymentID)", token: shop.customer)
        #expect(adopted.status == 200, "\(adopted.text)")
        #expect(try await shop.payment(paymentID).customerID == shop.customerID)
    }

    /// Polls `condition` until it holds or 20 seconds pass (the relay delivers the event).
    func poll(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await condition()
    }
}
