import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// The journeys both stores run.
enum GuestJourney {
    static func itemsAndAccess(_ shop: OrdersShop) async throws {
        let kettle = try await shop.product("KETTLE-\(UUID().uuidString.prefix(6))", price: 250_000, onHand: 4)
        let response = try await shop.guestOrder(
            GuestOrderBody(email: " Akinyi@Example.COM ", phone: "+254 712 345 678", items: [.init(kettle, 2)]))
        #expect(response.status == 201, "\(response.text)")
        #expect(response.headers["Cache-Control"] == "no-store")
        let order = try response.json(GuestOrderDocument.self)
        #expect(response.headers["Location"] == "/guest/orders/\(order.id)")
        #expect(order.status == "pending_payment")
        #expect(order.total == 500_000)
        #expect(order.customerID.hasPrefix("guest:"))
        #expect(order.accessToken.count == 43)
        #expect(try await shop.available(kettle) == 2)
        // The store keeps only the token's hash.
        #expect(
            try await shop.count(
                "SELECT COUNT(*) AS n FROM guest_access_tokens WHERE order_id = $1 AND token_hash <> $2",
                [.text(order.id), .text(order.accessToken)]) >= 1)
        #expect(
            try await shop.count(
                "SELECT COUNT(*) AS n FROM guest_access_tokens WHERE token_hash = $1", [.text(order.accessToken)]) == 0)

        let opened = await shop.guestGet(order.id, token: order.accessToken)
        #expect(opened.status == 200, "\(opened.text)")
        #expect(try opened.json(GuestOrderDocument.self, allowMissingToken: true).total == 500_000)
        // No token, a wrong one, a malformed one, another order's: all the same 404.
        let other = try await shop.guestOrder(GuestOrderBody(email: "x@example.com", items: [.init(kettle, 1)]))
            .json(GuestOrderDocument.self)
        for token in [nil, String(repeating: "A", count: 43), "short", other.accessToken] {
            let response = await shop.guestGet(order.id, token: token)
            #expect(response.status == 404, "\(token ?? "none"): \(response.text)")
            #expect(response.problem?.code == "order-not-found")
        }
        // An expired token opens nothing. (By its hash: the confirmation mail mints the order another
        // token, at a moment of its own.)
        let otherHash = GuestAccessTokens.hash(other.accessToken)
        try await shop.orders.execute(
            "UPDATE guest_access_tokens SET expires_at = $1 WHERE token_hash = $2",
            [.text("2020-01-01T00:00:00Z"), .text(otherHash)])
        #expect(await shop.guestGet(other.id, token: other.accessToken).status == 404)
        // The expiry schedule deletes expired tokens, and only those.
        try await ExpireOrders.run(now: Int(Date().timeIntervalSince1970), context: shop.context())
        #expect(
            try await shop.count(
                "SELECT COUNT(*) AS n FROM guest_access_tokens WHERE token_hash = $1", [.text(otherHash)]) == 0)
        #expect(await shop.guestGet(order.id, token: order.accessToken).status == 200)
        // The guest order is nobody's in the customers' API.
        let ann = try await shop.shop.customer("ann-\(UUID().uuidString.prefix(6))@example.com")
        #expect(try await shop.shop.request("GET", "/orders/\(order.id)", token: ann).status == 404)
        // Payments may look it up with the token, and not with another order's.
        let details = try await shop.shop.request(
            "POST", "/internal/orders/payment", token: shop.service,
            json: ["order_id": order.id, "access_token": order.accessToken])
        #expect(details.status == 200, "\(details.text)")
        let refused = try await shop.shop.request(
            "POST", "/internal/orders/payment", token: shop.service,
            json: ["order_id": order.id, "access_token": other.accessToken])
        #expect(refused.status == 404)
    }

    static func cart(_ shop: OrdersShop) async throws {
        let mug = try await shop.product("MUG-\(UUID().uuidString.prefix(6))", price: 50_000, onHand: 10)
        let added = try await shop.shop.request("POST", "/cart/items", json: CartItem(productID: mug, quantity: 3))
        #expect((200..<300).contains(added.status), "\(added.text)")
        let cartToken = try #require(added.headers["X-Cart-Token"])
        let response = try await shop.guestOrder(
            GuestOrderBody(email: "cart@example.com", items: nil), headers: [("X-Cart-Token", cartToken)])
        #expect(response.status == 201, "\(response.text)")
        let order = try response.json(GuestOrderDocument.self)
        #expect(order.lines.map(\.quantity) == [3])
        #expect(try await shop.available(mug) == 7)
        // The guest cart is emptied (its token keeps working).
        let cart = await shop.shop.request("GET", "/cart", headers: [("X-Cart-Token", cartToken)])
        #expect(cart.status == 200, "\(cart.text)")
        #expect(try cart.json(CartLines.self).items.isEmpty, "\(cart.text)")
        // An empty guest cart is refused (and stored as the key's answer).
        let empty = try await shop.guestOrder(
            GuestOrderBody(email: "cart@example.com", items: nil), headers: [("X-Cart-Token", cartToken)])
        #expect(empty.status == 422)
        #expect(empty.problem?.code == "cart-empty")
    }

    static func concurrentRetries(_ shop: OrdersShop) async throws {
        let mug = try await shop.product("RACE-\(UUID().uuidString.prefix(6))", price: 10_000, onHand: 5)
        let key = UUID().uuidString
        let body = GuestOrderBody(email: "racer@example.com", items: [.init(mug, 2)])
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<10 { group.addTask { try await shop.guestOrder(body, key: key) } }
            return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
        }
        let created = responses.filter { $0.status == 201 }
        // Each request ends with the order (or, while another still places it, 409 to retry).
        #expect(responses.allSatisfy { $0.status == 201 || $0.problem?.code == "order-in-progress" })
        #expect(Set(try created.map { try $0.json(GuestOrderDocument.self).id }).count == 1)
        #expect(
            try await shop.count(
                "SELECT COUNT(*) AS n FROM orders WHERE customer_id = $1",
                [.text(GuestIdentity.customerID(email: "racer@example.com"))])
                == 1)
        #expect(try await shop.available(mug) == 3)
    }

    /// Guest orders, then an account with the same address: nothing before the address is
    /// verified, both orders in `GET /orders` after; another account gets nothing.
    static func claimOnVerification(_ shop: OrdersShop) async throws {
        let email = "claim-\(UUID().uuidString.prefix(6).lowercased())@example.com"
        let mug = try await shop.product("CLAIM-\(UUID().uuidString.prefix(6))", price: 20_000, onHand: 10)
        var ids: [String] = []
        for _ in 0..<2 {
            ids.append(
                try await shop.guestOrder(GuestOrderBody(email: email, items: [.init(mug, 1)])).json(GuestOrderDocument.self).id)
        }
        let owner = try await shop.shop.customer(email)
        let stranger = try await shop.shop.customer("stranger-\(UUID().uuidString.prefix(6))@example.com")
        #expect(try await shop.myOrders(owner).isEmpty)

        // Verification: the link's token as the mail carries it. The shop's own mail mints one
        // first (and minting again replaces it), so wait for that mail, then mint the one to use.
        let users = shop.shop.store("users")
        let link = try #require(
            try await users.query(
                "SELECT id, user_id FROM account_links WHERE email = $1 AND purpose = 'email_verification'", [.text(email)]
            ).first)
        let mailed = try await eventually {
            try await shop.shop.store("notifications").query(
                "SELECT id FROM notifications WHERE kind = 'email_verification' AND recipient = $1 AND status = 'sent'",
                [.text(email)]
            ).count == 1
        }
        #expect(mailed)
        let minted = try await shop.shop.request(
            "POST", "/internal/users/account-link", token: shop.service,
            json: ["request_id": try link.string("id") ?? "", "user_id": try link.string("user_id") ?? ""])
        #expect(minted.status == 200, "\(minted.text)")
        struct Link: Decodable { var token: String }
        // Before the proof, nothing is the account's.
        #expect(try await shop.myOrders(owner).isEmpty)
        let verified = try await shop.shop.request(
            "POST", "/users/verify-email", json: ["token": try minted.json(Link.self).token])
        #expect(verified.status == 204, "\(verified.text)")

        var mine: [String] = []
        _ = try await eventually {
            mine = try await shop.myOrders(owner).map(\.id)
            return mine.count == 2
        }
        #expect(Set(mine) == Set(ids))
        #expect(try await shop.myOrders(stranger).isEmpty)
        // Each claimed order is announced once (`order.claimed`: Payments re-owns its payments).
        let announced = try await shop.shop.store("orders").query(
            "SELECT payload FROM soko_outbox WHERE name = 'order.claimed'", []
        ).compactMap { try JSONCoding.decode(OrderClaimed.self, from: Array((try $0.string("payload") ?? "").utf8)) }
        let ours = announced.filter { ids.contains($0.orderID) }
        #expect(ours.map(\.orderID).sorted() == ids.sorted())
        #expect(Set(ours.map(\.customerID)).count == 1 && !GuestOrdersContract.isGuest(ours.first?.customerID ?? "guest:"))
        for id in ids { #expect(try await shop.shop.request("GET", "/orders/\(id)", token: stranger).status == 404) }
        // A redelivery of the event claims nothing more and changes nothing.
        let moved = try await ClaimGuestOrders.claim(
            email: email, for: "someone-else", context: shop.context(function: "claimGuestOrders"))
        #expect(moved == 0)
        #expect(try await shop.myOrders(owner).count == 2)
    }
}
