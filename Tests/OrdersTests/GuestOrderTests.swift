import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// Guest checkout through the shop's router: `POST /guest/orders` from items or a guest cart, the
/// key's scope, the access token (`X-Order-Access`) that opens, cancels and claims the order, and
/// the claim of a verified address's guest orders — on SQLite, and the journeys on PostgreSQL.
@Suite("Guest orders")
struct GuestOrderTests {
    @Test func aGuestBuysItemsAndOpensTheOrderWithTheAccessTokenOnly() async throws {
        let shop = try await OrdersShop.start()
        try await GuestJourney.itemsAndAccess(shop)
        await shop.shutdown()
    }

    @Test func theGuestCartIsOrderedAndEmptied() async throws {
        let shop = try await OrdersShop.start()
        try await GuestJourney.cart(shop)
        await shop.shutdown()
    }

    @Test func aRetryWithTheKeyAnswersTheSameOrderWithAnotherWorkingToken() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 10)
        let body = GuestOrderBody(email: "Wanjiru@Example.com", phone: "0712 345 678", items: [.init(mug, 1)])
        let first = try await shop.guestOrder(body, key: "guest-key-1")
        #expect(first.status == 201, "\(first.text)")
        let retry = try await shop.guestOrder(body, key: "guest-key-1")
        #expect(retry.status == 201, "\(retry.text)")
        #expect(retry.headers["Idempotent-Replayed"] == "true")
        let one = try first.json(GuestOrderDocument.self)
        let two = try retry.json(GuestOrderDocument.self)
        #expect(one.id == two.id)
        #expect(one.accessToken != two.accessToken)
        #expect(one.guestEmail == "wanjiru@example.com")
        #expect(one.guestPhone == "254712345678")
        for token in [one.accessToken, two.accessToken] {
            #expect(await shop.guestGet(one.id, token: token).status == 200)
        }
        // One unit reserved, not two.
        #expect(try await shop.available(mug) == 9)
        // The same key with another body is refused; the same key for another email is another order.
        var changed = body
        changed.phone = "0799 000 111"
        let reused = try await shop.guestOrder(changed, key: "guest-key-1")
        #expect(reused.status == 422)
        #expect(reused.problem?.code == "idempotency-key-reused")
        var other = body
        other.email = "someone.else@example.com"
        let third = try await shop.guestOrder(other, key: "guest-key-1")
        #expect(third.status == 201)
        #expect(try third.json(GuestOrderDocument.self).id != one.id)
        await shop.shutdown()
    }

    @Test func badInputIsAClearProblem() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 10)
        let cases: [(GuestOrderBody, String)] = [
            (GuestOrderBody(email: "not-an-email", items: [.init(mug, 1)]), "email"),
            (GuestOrderBody(email: nil, items: [.init(mug, 1)]), "email"),
            (GuestOrderBody(email: "a@example.com", phone: "12345", items: [.init(mug, 1)]), "phone"),
            (GuestOrderBody(email: "a@example.com", items: nil), "items"),
            (GuestOrderBody(email: "a@example.com", items: [.init(mug, 0)]), "items[0].quantity"),
        ]
        for (body, field) in cases {
            let response = try await shop.guestOrder(body)
            #expect(response.status == 422, "\(field): \(response.text)")
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.problem?.errors?.contains { $0.field == field } == true, "\(field): \(response.text)")
        }
        let noKey = try await shop.shop.request(
            "POST", "/guest/orders", json: GuestOrderBody(email: "a@example.com", items: [.init(mug, 1)]))
        #expect(noKey.status == 400)
        #expect(noKey.problem?.code == "idempotency-key-required")
        let notJSON = await shop.shop.request(
            "POST", "/guest/orders", headers: [("Idempotency-Key", "k")], body: Array("{email".utf8))
        #expect(notJSON.status == 400)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 0)
        await shop.shutdown()
    }

    @Test func theGuestCancelsWhileUnpaidAndTheStockComesBack() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 3)
        let order = try await shop.guestOrder(GuestOrderBody(email: "g@example.com", items: [.init(mug, 2)]))
            .json(GuestOrderDocument.self)
        #expect(try await shop.available(mug) == 1)
        let wrong = await shop.shop.request(
            "POST", "/guest/orders/\(order.id)/cancel", headers: [("X-Order-Access", String(repeating: "A", count: 43))])
        #expect(wrong.status == 404)
        let cancelled = await shop.shop.request(
            "POST", "/guest/orders/\(order.id)/cancel", headers: [("X-Order-Access", order.accessToken)])
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(try cancelled.json(GuestOrderDocument.self).status == "cancelled")
        #expect(try await shop.available(mug) == 3)
        let again = await shop.shop.request(
            "POST", "/guest/orders/\(order.id)/cancel", headers: [("X-Order-Access", order.accessToken)])
        #expect(again.status == 409)
        #expect(again.problem?.code == "order-not-cancellable")
        await shop.shutdown()
    }

    @Test func aCouponsPerCustomerLimitCountsPerGuestEmail() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 10)
        #expect(
            try await shop.createCoupon([
                "code": "ONCE", "kind": "percentage", "value": 10, "max_uses_per_customer": 1,
            ]).status == 201)
        var body = GuestOrderBody(email: "g@example.com", items: [.init(mug, 1)])
        body.couponCode = "once"
        let first = try await shop.guestOrder(body)
        #expect(first.status == 201, "\(first.text)")
        #expect(try first.json(GuestOrderDocument.self).discount == 5_000)
        body.email = "G@EXAMPLE.COM"
        let second = try await shop.guestOrder(body)
        #expect(second.status == 422, "\(second.text)")
        #expect(second.problem?.code == "coupon-exhausted")
        body.email = "h@example.com"
        #expect(try await shop.guestOrder(body).status == 201)
        await shop.shutdown()
    }

    @Test func aSignedInCustomerClaimsAnOrderWithItsToken() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 10)
        let order = try await shop.guestOrder(GuestOrderBody(email: "gift@example.com", items: [.init(mug, 1)]))
            .json(GuestOrderDocument.self)
        let ann = try await shop.shop.customer("ann@example.com")
        let ben = try await shop.shop.customer("ben@example.com")
        let unknown = try await shop.shop.request(
            "POST", "/orders/claim", token: ann, json: ["access_token": String(repeating: "B", count: 43)])
        #expect(unknown.status == 404)
        let claimed = try await shop.shop.request("POST", "/orders/claim", token: ann, json: ["access_token": order.accessToken])
        #expect(claimed.status == 200, "\(claimed.text)")
        #expect(try await shop.shop.request("GET", "/orders/\(order.id)", token: ann).status == 200)
        // Once a customer's, the token claims nothing more, and Ben cannot see it.
        let twice = try await shop.shop.request("POST", "/orders/claim", token: ben, json: ["access_token": order.accessToken])
        #expect(twice.status == 404)
        #expect(try await shop.shop.request("GET", "/orders/\(order.id)", token: ben).status == 404)
        await shop.shutdown()
    }

    @Test func aGuestOrderTakesTheDeliveryZoneAndPaysOnDelivery() async throws {
        let shop = try await OrdersShop.start()
        let mug = try await shop.product("MUG", price: 50_000, onHand: 10)
        let zone = try await shop.shop.request(
            "POST", "/admin/delivery-zones", token: shop.admin,
            json: GuestZone(id: "cbd", name: "Nairobi CBD", fee: 20_000, currency: "KES", cashOnDelivery: true))
        #expect(zone.status == 201, "\(zone.text)")
        let noZone = try await shop.guestOrder(GuestOrderBody(email: "z@example.com", items: [.init(mug, 1)]))
        #expect(noZone.status == 422)
        #expect(noZone.problem?.code == "delivery-zone-required", "\(noZone.text)")
        var body = GuestOrderBody(email: "z@example.com", items: [.init(mug, 1)])
        body.deliveryZone = "cbd"
        let online = try await shop.guestOrder(body)
        #expect(online.status == 201, "\(online.text)")
        #expect(try online.json(GuestOrderDocument.self).total == 70_000)
        body.paymentMethod = "cash_on_delivery"
        let cash = try await shop.guestOrder(body)
        #expect(cash.status == 201, "\(cash.text)")
        #expect(try cash.json(GuestOrderDocument.self).status == "confirmed")
        await shop.shutdown()
    }

    @Test func tenConcurrentRetriesMakeOneOrderAndReserveOnce() async throws {
        let shop = try await OrdersShop.start()
        try await GuestJourney.concurrentRetries(shop)
        await shop.shutdown()
    }

    @Test func theVerifiedEmailClaimsTheGuestOrders() async throws {
        let shop = try await OrdersShop.start()
        try await GuestJourney.claimOnVerification(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func guestJourneysOnPostgres() async throws {
        let shop = try await PostgresOrderTests.start()
        try await GuestJourney.itemsAndAccess(shop)
        try await GuestJourney.cart(shop)
        try await GuestJourney.concurrentRetries(shop)
        try await GuestJourney.claimOnVerification(shop)
        await shop.shutdown()
    }
}
