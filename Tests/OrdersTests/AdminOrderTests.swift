import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// The order page of the merchant console: the order, its timeline and what may come next.
@Suite("Orders for admins")
struct AdminOrderTests {
    struct Detail: Decodable {
        struct Step: Decodable, Equatable {
            var from: String
            var to: String
            var actor: String
            var reason: String?
        }
        var id: String
        var status: String
        var paidAt: String?
        var trackingNumber: String?
        var transitions: [Step]
        var nextStates: [String]

        enum CodingKeys: String, CodingKey {
            case id, status, transitions
            case paidAt = "paid_at"
            case trackingNumber = "tracking_number"
            case nextStates = "next_states"
        }
    }

    func detail(_ shop: OrdersShop, _ id: String) async throws -> Detail {
        let response = await shop.shop.request("GET", "/admin/orders/\(id)", token: shop.admin)
        guard response.status == 200 else { throw ShopTestError("admin order: \(response.status) \(response.text)") }
        return try response.json(Detail.self)
    }

    @Test func theTimelineFollowsTheOrderAndNamesTheNextStates() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)

        var seen = try await detail(shop, order.id)
        #expect(seen.status == "pending_payment" && seen.paidAt == nil)
        #expect(seen.nextStates == ["cancelled"])  // paid only by a payment
        #expect(seen.transitions.map { "\($0.from)>\($0.to)" } == ["placing>pending_payment"])

        try await OrderTransitions.apply(
            orderID: order.id, to: .paid, actor: "payment:p1", at: WallClock.system.now(), store: shop.orders)
        #expect(try await detail(shop, order.id).nextStates == ["cancelled", "shipped"])
        let shipped = try await shop.shop.request(
            "POST", "/orders/\(order.id)/ship", token: shop.admin, json: ["carrier": "G4S", "tracking_number": "KE123"])
        #expect(shipped.status == 200)
        seen = try await detail(shop, order.id)
        #expect(seen.status == "shipped" && seen.paidAt != nil && seen.trackingNumber == "KE123")
        #expect(seen.nextStates == ["delivered"])
        #expect(seen.transitions.map(\.to) == ["pending_payment", "paid", "shipped"])
        #expect(seen.transitions.last?.actor.hasPrefix("admin:") == true)

        // Admins only; an unknown or malformed id is 404.
        #expect(await shop.shop.request("GET", "/admin/orders/\(order.id)", token: ann).status == 403)
        #expect(await shop.shop.request("GET", "/admin/orders/\(order.id)").status == 401)
        #expect(
            await shop.shop.request("GET", "/admin/orders/\(UUID().uuidString.lowercased())", token: shop.admin).status == 404)
        #expect(await shop.shop.request("GET", "/admin/orders/not-an-id", token: shop.admin).status == 404)
        await shop.shutdown()
    }
}
