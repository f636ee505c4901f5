import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

@Suite("Who sees which orders")
struct OrderAccessTests {
    @Test func anotherCustomersOrderIsNotFoundAnywhere() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.order(ann)

        let read = await shop.shop.request("GET", "/orders/\(order.id)", token: bob)
        #expect(read.status == 404)
        #expect(read.problem?.code == "order-not-found")
        let missing = await shop.shop.request("GET", "/orders/\(UUID().uuidString.lowercased())", token: bob)
        #expect(
            missing.text.replacingOccurrences(of: missing.problem?.requestID ?? "-", with: "")
                == read.text.replacingOccurrences(of: read.problem?.requestID ?? "-", with: ""))
        let cancel = await shop.shop.request("POST", "/orders/\(order.id)/cancel", token: bob)
        #expect(cancel.status == 404)
        #expect(try await shop.available(kettle) == 4)
        let bobs = await shop.shop.request("GET", "/orders", token: bob)
        #expect(try bobs.json(OrderList.self).orders.isEmpty)
        // Customers cannot ship; the admin routes answer 403 to them.
        let ship = try await shop.shop.request(
            "POST", "/orders/\(order.id)/ship", token: ann, json: ["carrier": "G4S", "tracking_number": "T1"])
        #expect(ship.status == 403)
        #expect(await shop.shop.request("GET", "/admin/orders", token: ann).status == 403)

        let own = await shop.shop.request("GET", "/orders/\(order.id)", token: ann)
        #expect(own.status == 200)
        #expect(try own.json(OrderDocument.self) == order)
        let admins = await shop.shop.request("GET", "/orders/\(order.id)", token: shop.admin)
        #expect(admins.status == 200)
        #expect(await shop.shop.request("GET", "/orders/not-an-id", token: ann).status == 404)
        #expect(await shop.shop.request("GET", "/orders/\(order.id)").status == 401)
        await shop.shutdown()
    }

    @Test func listsAreTheCallersOwnNewestFirstInCursorPages() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let kettle = try await shop.product("KETTLE", price: 1_000, onHand: 100)
        var placed: [String] = []
        for _ in 0..<5 {
            try await shop.addToCart(ann, kettle, quantity: 1)
            placed.append(try await shop.order(ann).id)
        }
        try await shop.addToCart(bob, kettle, quantity: 1)
        let bobs = try await shop.order(bob)

        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let target = "/orders?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let response = await shop.shop.request("GET", target, token: ann)
            #expect(response.status == 200)
            let page = try response.json(OrderList.self)
            #expect(page.orders.count <= 2)
            seen += page.orders.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == placed.reversed())
        #expect(pages == 3)

        let all = try await shop.shop.request("GET", "/admin/orders", token: shop.admin).json(OrderList.self)
        #expect(all.orders.map(\.id) == [bobs.id] + placed.reversed())
        let cancelled = await shop.shop.request("POST", "/orders/\(placed[0])/cancel", token: ann)
        #expect(cancelled.status == 200)
        let filtered = try await shop.shop.request("GET", "/admin/orders?status=cancelled", token: shop.admin)
            .json(OrderList.self)
        #expect(filtered.orders.map(\.id) == [placed[0]])

        for target in ["/orders?cursor=nonsense", "/orders?limit=0", "/orders?limit=101", "/orders?cursor=a%20b"] {
            let bad = await shop.shop.request("GET", target, token: ann)
            #expect(bad.status == 400, "\(target)")
        }
        for status in ["placing", "rejected", "lost"] {
            #expect(await shop.shop.request("GET", "/admin/orders?status=\(status)", token: shop.admin).status == 400)
        }
        await shop.shutdown()
    }
}
