import Contracts
import Foundation
import SokoFunctions
import Testing

@testable import Cart

/// `clearOrderedItems` (on `order.placed`), `expireCarts` and the guest token itself.
@Suite("Cart events and schedules")
struct CartEventTests {
    static func orderPlaced(id: String, customer: String, lines: [(String, Int)]) -> String {
        let json = lines.map { #"{"product_id":"\#($0.0)","quantity":\#($0.1),"unit_price":100}"# }
        return """
            {"id":"\(id)","name":"order.placed","source":"orders","occurred_at":"2026-01-01T00:00:00.000Z",
             "payload":{"order_id":"order-\(id)","customer_id":"\(customer)","total":500,"currency":"KES",
                        "lines":[\(json.joined(separator: ","))]}}
            """
    }

    @Test func orderedQuantitiesLeaveTheCartOncePerEvent() async throws {
        let cart = try await CartHarness()
        for id in ["a", "b", "c"] { cart.catalog.put(id) }
        _ = await cart.add("a", 5, customer: "ann")
        _ = await cart.add("b", 1, customer: "ann")
        _ = await cart.add("c", 2, customer: "ann")
        let event = Self.orderPlaced(id: "evt-1", customer: "ann", lines: [("a", 3), ("b", 1), ("x", 4)])

        #expect(await cart.call("clearOrderedItems", body: event).status == 204)
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:2", "c:2"])
        // A redelivery of the same event changes nothing.
        #expect(await cart.call("clearOrderedItems", body: event).status == 204)
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:2", "c:2"])
        // The same order from the call orders makes at once: already done.
        let call = #"{"order_id":"order-evt-1","customer_id":"ann","lines":[{"product_id":"a","quantity":3}]}"#
        #expect(await cart.call("orderPlaced", body: call).status == 204)
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:2", "c:2"])
        // Another order is another event.
        let second = Self.orderPlaced(id: "evt-2", customer: "ann", lines: [("a", 3)])
        #expect(await cart.call("clearOrderedItems", body: second).status == 204)
        #expect(try await cart.get(customer: "ann").cart().lines == ["c:2"])
        await cart.close()
    }

    @Test func theConsumerReportsARedelivery() async throws {
        let cart = try await CartHarness()
        let event = Event(
            id: "evt-9", name: "order.placed", source: "orders", occurredAt: "2026-01-01T00:00:00.000Z",
            payload: PlacedOrder(orderID: "o", customerID: "nobody", lines: []))
        let context = cart.context("clearOrderedItems")
        #expect(try await ClearOrderedItems.run(event, context: context))
        #expect(try await !ClearOrderedItems.run(event, context: context))
        await cart.close()
    }

    @Test func guestCartsExpireAfterThirtyQuietDays() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let stale = try #require(await cart.add("a", 1).headers["X-Cart-Token"])
        let fresh = try #require(await cart.add("a", 1).headers["X-Cart-Token"])
        _ = await cart.add("a", 1, customer: "ann")
        let old = Timestamp.format(seconds: Int(Date().timeIntervalSince1970) - 31 * 86_400)
        _ = try await cart.store.execute(
            "UPDATE carts SET updated_at = $1 WHERE token_hash = $2 OR customer_id = 'ann'",
            [.text(old), .text(CartToken(presented: stale)!.hash)])

        #expect(await cart.call("expireCarts").status == 204)
        #expect(await cart.get(token: stale).code == "cart-not-found")
        #expect(try await cart.get(token: fresh).cart().lines == ["a:1"])
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:1"])
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM cart_items") == 2)
        await cart.close()
    }

    @Test func expiryCountsFromTheContextsClock() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let guest = try #require(await cart.add("a", 1).headers["X-Cart-Token"])
        _ = await cart.add("a", 1, customer: "ann")
        let now = WallClock.system.now()

        #expect(await cart.call("expireCarts", clock: .fixed(now.adding(seconds: 29 * 86_400))).status == 204)
        #expect(try await cart.get(token: guest).cart().lines == ["a:1"])
        #expect(await cart.call("expireCarts", clock: .fixed(now.adding(seconds: 31 * 86_400))).status == 204)
        #expect(await cart.get(token: guest).code == "cart-not-found")
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:1"])
        await cart.close()
    }

    @Test func aCartIsDatedByTheContextsClock() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let now = WallClock.system.now()
        let added = await cart.call("addToCart", body: #"{"product_id":"a","quantity":1}"#, clock: .fixed(now))
        let token = try #require(added.headers["X-Cart-Token"])
        // Read 29 days on: the read is activity as of that day, so 31 days after the add (two
        // after the read) the cart is still there.
        #expect(await cart.call("getCart", cartToken: token, clock: .fixed(now.adding(seconds: 29 * 86_400))).status == 200)
        #expect(await cart.call("expireCarts", clock: .fixed(now.adding(seconds: 31 * 86_400))).status == 204)
        #expect(try await cart.get(token: token).cart().lines == ["a:1"])
        let dates = try await cart.store.query("SELECT created_at, updated_at FROM carts", []).first
        #expect(try dates?.string("created_at") == now.timestamp)
        #expect(try dates?.string("updated_at") == now.adding(seconds: 29 * 86_400).timestamp)
        await cart.close()
    }

    @Test func readingAQuietCartKeepsItAlive() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let token = try #require(await cart.add("a", 1).headers["X-Cart-Token"])
        let old = Timestamp.format(seconds: Int(Date().timeIntervalSince1970) - 29 * 86_400)
        _ = try await cart.store.execute("UPDATE carts SET updated_at = $1", [.text(old)])
        _ = await cart.get(token: token)
        let touched = try await cart.store.query("SELECT updated_at FROM carts", []).first?.string("updated_at")
        #expect(touched.map { $0 > old } == true)
        await cart.close()
    }

    @Test func tokensAreRandomAndOnlyWellFormedOnesAreAccepted() {
        let tokens = (0..<50).map { _ in CartToken.generate().text }
        #expect(Set(tokens).count == 50)
        #expect(tokens.allSatisfy { $0.count == 43 && CartToken(presented: $0) != nil })
        #expect(CartToken(presented: tokens[0] + "A") == nil)
        #expect(CartToken(presented: String(tokens[0].dropLast()) + "+") == nil)
        #expect(CartToken(presented: "") == nil)
    }
}
