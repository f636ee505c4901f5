import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Orders

/// What keeps one customer from hoarding stock: the cap on unpaid orders, the quantity per order
/// line, and the per-customer rate limit the orders and payments manifests set.
@Suite("Stock hoarding limits")
struct AbuseLimitTests {
    typealias Line = BuyNowTests.Line

    static func buy(_ shop: OrdersShop, _ token: String, _ product: String, quantity: Int = 1, key: String = UUID().uuidString)
        async throws -> TestResponse
    {
        try await BuyNowTests.buy(shop, token, [Line(productID: product, quantity: quantity)], key: key)
    }

    @Test func pastTheCapOfUnpaidOrdersPlacingIs409UntilOneIsPaidOrCancelled() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 50)
        var placed: [String] = []
        for index in 0..<5 {
            let response = try await Self.buy(shop, ann, kettle, key: "ann-\(index)")
            #expect(response.status == 201)
            placed.append(try response.json(OrderDocument.self).id)
        }
        let refused = try await Self.buy(shop, ann, kettle, key: "ann-5")
        #expect(refused.status == 409)
        #expect(refused.problem?.code == "too-many-pending-orders")
        #expect(refused.problem?.detail.contains("pay or cancel") == true)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 5)
        #expect(try await shop.available(kettle) == 45)
        // A repeat of a key that holds an order still answers that order.
        let repeated = try await Self.buy(shop, ann, kettle, key: "ann-0")
        #expect(repeated.status == 201)
        #expect(repeated.headers["Idempotent-Replayed"] == "true")
        // Another customer is not affected.
        #expect(try await Self.buy(shop, bob, kettle).status == 201)
        // Once one is cancelled, the refused key places its order (the refusal was not stored).
        #expect(await shop.shop.request("POST", "/orders/\(placed[0])/cancel", token: ann).status == 200)
        #expect(try await Self.buy(shop, ann, kettle, key: "ann-5").status == 201)
        #expect(try await Self.buy(shop, ann, kettle).status == 409)
        await shop.shutdown()
    }

    /// Customers at the cap minus one send several orders at once with different keys: one passes.
    static func concurrentPlacementsAtTheCap(_ configuration: HostConfiguration) async throws {
        let shop = try await OrdersShop.start(environment: ["SOKO_MAX_PENDING_ORDERS": "2"], configuration: configuration)
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 50)
        #expect(try await Self.buy(shop, ann, kettle).status == 201)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await Self.buy(shop, ann, kettle).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == [201] + Array(repeating: 409, count: 7))
        #expect(
            try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE status IN ('placing', 'pending_payment')") == 2)
        #expect(try await shop.available(kettle) == 48)
        await shop.shutdown()
    }

    @Test func concurrentPlacementsAtTheCapOnSQLite() async throws {
        try await Self.concurrentPlacementsAtTheCap(TestHost.defaultConfiguration())
    }

    @Test func concurrentPlacementsAtTheCapOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            #expect(!ShopHost.inCI, "SOKO_TEST_POSTGRES_URL is not set under CI")
            return
        }
        try await Self.concurrentPlacementsAtTheCap(configuration)
    }

    @Test func anOrderLineHoldsAtMostTheLineLimit() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 1_000, onHand: 500)
        let mug = try await shop.product("MUG", price: 1_000, onHand: 500)
        // "Buy now": refused as input.
        let over = try await Self.buy(shop, ann, kettle, quantity: 21)
        #expect(over.status == 422)
        #expect(over.problem?.errors == [FieldError(field: "items[0].quantity", message: "must be 1 to 20")])
        #expect(try await Self.buy(shop, ann, kettle, quantity: 20).status == 201)
        // The cart refuses the line first...
        let added = try await shop.shop.request(
            "POST", "/cart/items", token: ann, json: CartItem(productID: kettle, quantity: 21))
        #expect(added.status == 422)
        // ...and a cart line above it (added before the limit was lowered) refuses the order, naming it.
        try await shop.addToCart(ann, mug, quantity: 2)
        try await shop.addToCart(ann, kettle, quantity: 2)
        try await shop.shop.store("cart").execute("UPDATE cart_items SET quantity = 60 WHERE product_id = $1", [.text(kettle)])
        let refused = try await shop.placeOrder(ann)
        #expect(refused.status == 422)
        #expect(refused.problem?.code == "quantity-over-limit")
        #expect(refused.problem?.errors?.map(\.field) == ["lines[1].quantity"])
        #expect(try await shop.available(kettle) == 480)
        #expect(try await shop.available(mug) == 500)
        await shop.shutdown()
    }

    @Test func theLineLimitIsASetting() async throws {
        let shop = try await OrdersShop.start(environment: ["SOKO_MAX_LINE_QUANTITY": "3"])
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 1_000, onHand: 50)
        #expect(try await Self.buy(shop, ann, kettle, quantity: 4).status == 422)
        #expect(try await Self.buy(shop, ann, kettle, quantity: 3).status == 201)
        await shop.shutdown()
        #expect(throws: OrdersSettingsError.self) { try OrdersSettings(environment: ["SOKO_MAX_PENDING_ORDERS": "0"]) }
        #expect(throws: OrdersSettingsError.self) { try OrdersSettings(environment: ["SOKO_MAX_LINE_QUANTITY": "100"]) }
        #expect(try OrdersSettings(environment: [:]).maxPendingOrders == 5)
    }

    /// The manifests limit placeOrder (10 a minute) and payOrder (5 per 10 minutes) per customer,
    /// before the handler runs: even calls the handler would refuse are counted.
    @Test func placeOrderAndPayOrderAreRateLimitedPerCustomer() async throws {
        var configuration = TestHost.defaultConfiguration()
        configuration.wallClock = { 1_700_000_400_000 + 15_000 }  // 15 s into a minute and into ten
        let shop = try await OrdersShop.start(environment: ["SOKO_RATE_LIMITS": "on"], configuration: configuration)
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        for _ in 0..<10 { #expect(try await shop.placeOrder(ann, key: nil).status == 400) }
        let limited = try await shop.placeOrder(ann, key: nil)
        #expect(limited.status == 429)
        #expect(limited.problem?.code == "rate-limited")
        #expect(limited.headers["Retry-After"] == "45")
        #expect(try await shop.placeOrder(bob, key: nil).status == 400)

        let pay = PayBody(method: "mpesa", phone: "0708374149")
        let order = "/orders/\(UUID().uuidString.lowercased())/pay"
        for _ in 0..<5 { #expect(try await shop.shop.request("POST", order, token: ann, json: pay).status == 404) }
        let prompts = try await shop.shop.request("POST", order, token: ann, json: pay)
        #expect(prompts.status == 429)
        #expect(prompts.headers["Retry-After"] == "585")
        #expect(try await shop.shop.request("POST", order, token: bob, json: pay).status == 404)
        await shop.shutdown()
    }

    struct PayBody: Encodable {
        var method: String
        var phone: String
    }
}
