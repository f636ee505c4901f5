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

// MARK: Shortcuts and wire shapes

/// Polls `condition` until it holds or 20 seconds pass; returns whether it held.
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

extension OrdersShop {
    func guestOrder(_ body: GuestOrderBody, key: String = UUID().uuidString, headers: [(String, String)] = [])
        async throws -> TestResponse
    {
        try await shop.request("POST", "/guest/orders", headers: [("Idempotency-Key", key)] + headers, json: body)
    }

    func guestGet(_ id: String, token: String?) async -> TestResponse {
        await shop.request("GET", "/guest/orders/\(id)", headers: token.map { [("X-Order-Access", $0)] } ?? [])
    }

    func myOrders(_ token: String) async throws -> [OrderDocument] {
        let response = await shop.request("GET", "/orders", token: token)
        guard response.status == 200 else { throw ShopTestError("list: \(response.status) \(response.text)") }
        return try response.json(OrderList.self).orders
    }
}

struct GuestOrderBody: Encodable {
    struct Item: Encodable {
        var productID: String
        var quantity: Int
        init(_ productID: String, _ quantity: Int) {
            self.productID = productID
            self.quantity = quantity
        }
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }
    var email: String?
    var phone: String? = nil
    var shippingAddress = OrdersShop.address
    var items: [Item]?
    var couponCode: String? = nil
    var deliveryZone: String? = nil
    var paymentMethod: String? = nil
    enum CodingKeys: String, CodingKey {
        case email, phone, items
        case shippingAddress = "shipping_address"
        case couponCode = "coupon_code"
        case deliveryZone = "delivery_zone"
        case paymentMethod = "payment_method"
    }
}

struct GuestZone: Encodable {
    var id: String
    var name: String
    var fee: Int
    var currency: String
    var cashOnDelivery: Bool
    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency
        case cashOnDelivery = "cash_on_delivery"
    }
}

struct GuestOrderDocument: Decodable {
    var id: String
    var customerID: String
    var status: String
    var total: Int
    var discount: Int
    var lines: [OrderDocument.Line]
    var guestEmail: String?
    var guestPhone: String?
    var accessToken: String
    enum CodingKeys: String, CodingKey {
        case id, status, total, discount, lines
        case customerID = "customer_id"
        case guestEmail = "guest_email"
        case guestPhone = "guest_phone"
        case accessToken = "access_token"
    }
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        customerID = try container.decode(String.self, forKey: .customerID)
        status = try container.decode(String.self, forKey: .status)
        total = try container.decode(Int.self, forKey: .total)
        discount = try container.decode(Int.self, forKey: .discount)
        lines = try container.decode([OrderDocument.Line].self, forKey: .lines)
        guestEmail = try container.decodeIfPresent(String.self, forKey: .guestEmail)
        guestPhone = try container.decodeIfPresent(String.self, forKey: .guestPhone)
        accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken) ?? ""
    }
}

struct CartLines: Decodable {
    struct Line: Decodable { var quantity: Int }
    var items: [Line]
}

extension TestResponse {
    /// A guest order document (without `access_token` when the answer is not the placement's).
    func json(_: GuestOrderDocument.Type, allowMissingToken: Bool) throws -> GuestOrderDocument {
        try json(GuestOrderDocument.self)
    }
}
