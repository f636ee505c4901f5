import Foundation
import ShopTesting
import SokoFunctions
import SokoStore
import SokoTesting
import Testing

@testable import Orders

/// Coupons end to end through the shop's router: the admin routes, redemption on `POST /orders`,
/// each refusal, the per-customer limit and the use given back by a cancelled unpaid order.
@Suite("Coupons")
struct CouponTests {
    @Test func aPercentageCouponDiscountsTheSubtotalAndThePaymentChargesTheTotal() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 100_005, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let created = try await shop.createCoupon(["code": "save10", "kind": "percentage", "value": 10])
        #expect(created.status == 201, "\(created.text)")
        #expect(try created.json(CouponDocument.self).code == "SAVE10")

        let response = try await shop.placeOrder(ann, coupon: "Save10")
        #expect(response.status == 201, "\(response.text)")
        let order = try response.json(DiscountedOrder.self)
        // 10 % of 200 010 is 20 001 (half up); shipping applies below the threshold.
        #expect(order.subtotal == 200_010)
        #expect(order.discount == 20_001)
        #expect(order.couponCode == "SAVE10")
        #expect(order.total == 200_010 - 20_001 + 30_000)
        let payment = try await shop.shop.request(
            "POST", "/internal/orders/payment", token: shop.service, json: ["order_id": order.id])
        #expect(payment.status == 200, "\(payment.text)")
        #expect(try payment.json(PaymentTotal.self).total == order.total)
        let listed = try await shop.coupons()
        #expect(listed.first { $0.code == "SAVE10" }?.used == 1)
        await shop.shutdown()
    }

    @Test func aFixedCouponNeverTakesMoreThanTheSubtotal() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let mug = try await shop.product("MUG", price: 50_000, onHand: 5)
        try await shop.addToCart(ann, mug, quantity: 1)
        #expect(
            try await shop.createCoupon(["code": "BIGGIFT", "kind": "fixed", "value": 90_000, "currency": "KES"]).status
                == 201)
        let order = try await shop.placeOrder(ann, coupon: "biggift").json(DiscountedOrder.self)
        #expect(order.discount == 50_000)
        #expect(order.total == 30_000)
        await shop.shutdown()
    }

    @Test func refusalsNameTheReason() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let mug = try await shop.product("MUG", price: 50_000, onHand: 50)
        try await shop.addToCart(ann, mug, quantity: 1)
        let setups: [[String: CouponField]] = [
            ["code": "BIGSPEND", "kind": "percentage", "value": 5, "currency": "KES", "minimum_subtotal": 100_000],
            ["code": "BYGONE", "kind": "percentage", "value": 5, "ends_at": "2020-01-01T00:00:00Z"],
            ["code": "SOON", "kind": "percentage", "value": 5, "starts_at": "2999-01-01T00:00:00+03:00"],
            ["code": "USDONLY", "kind": "fixed", "value": 500, "currency": "USD"],
            ["code": "PAUSED", "kind": "percentage", "value": 5],
        ]
        for body in setups { #expect(try await shop.createCoupon(body).status == 201) }
        let paused = try await shop.shop.request("PATCH", "/admin/coupons/paused", token: shop.admin, json: ["active": false])
        #expect(paused.status == 200, "\(paused.text)")
        #expect(try paused.json(CouponDocument.self).active == false)

        let cases: [(String, String)] = [
            ("BIGSPEND", "coupon-minimum-not-met"), ("BYGONE", "coupon-expired"), ("SOON", "coupon-expired"),
            ("USDONLY", "coupon-invalid"), ("PAUSED", "coupon-invalid"), ("NOSUCHCODE", "coupon-invalid"),
            ("no such code!", "coupon-invalid"),
        ]
        for (code, problem) in cases {
            let response = try await shop.placeOrder(ann, coupon: code)
            #expect(response.status == 422, "\(code): \(response.text)")
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.problem?.code == problem, "\(code): \(response.text)")
        }
        // Nothing was spent and no stock is held by the refused orders.
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM coupon_uses") == 0)
        #expect(try await shop.available(mug) == 50)
        await shop.shutdown()
    }

    @Test func theRefusalIsAnsweredAgainOnARepeatOfTheKey() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let mug = try await shop.product("MUG", price: 50_000, onHand: 5)
        try await shop.addToCart(ann, mug, quantity: 1)
        #expect(try await shop.createCoupon(["code": "ONCE", "kind": "percentage", "value": 50, "max_uses": 1]).status == 201)
        let bob = try await shop.shop.customer("bob@example.com")
        try await shop.addToCart(bob, mug, quantity: 1)
        #expect(try await shop.placeOrder(bob, coupon: "ONCE").status == 201)
        let first = try await shop.placeOrder(ann, key: "k1", coupon: "ONCE")
        let again = try await shop.placeOrder(ann, key: "k1", coupon: "ONCE")
        #expect(first.problem?.code == "coupon-exhausted")
        #expect(again.problem?.code == "coupon-exhausted")
        #expect(again.headers["Idempotent-Replayed"] == "true")
        await shop.shutdown()
    }

    @Test func thePerCustomerLimitHoldsAndACancelledUnpaidOrderGivesItsUseBack() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let mug = try await shop.product("MUG", price: 50_000, onHand: 20)
        #expect(
            try await shop.createCoupon([
                "code": "WELCOME", "kind": "percentage", "value": 20, "max_uses": 2, "max_uses_per_customer": 1,
            ]).status == 201)
        try await shop.addToCart(ann, mug, quantity: 1)
        let first = try await shop.placeOrder(ann, coupon: "WELCOME").json(DiscountedOrder.self)
        #expect(first.discount == 10_000)
        try await shop.addToCart(ann, mug, quantity: 1)
        let second = try await shop.placeOrder(ann, coupon: "WELCOME")
        #expect(second.status == 422)
        #expect(second.problem?.code == "coupon-exhausted")
        #expect(second.problem?.detail.contains("per customer") == true)

        let cancelled = await shop.shop.request("POST", "/orders/\(first.id)/cancel", token: ann)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(try await shop.coupons().first { $0.code == "WELCOME" }?.used == 0)
        #expect(try await shop.placeOrder(ann, coupon: "WELCOME").status == 201)
        try await shop.addToCart(bob, mug, quantity: 1)
        #expect(try await shop.placeOrder(bob, coupon: "welcome").status == 201)
        #expect(try await shop.coupons().first { $0.code == "WELCOME" }?.used == 2)
        await shop.shutdown()
    }

    @Test func aShopperCanQuoteACouponOnTheirCart() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let mug = try await shop.product("MUG", price: 50_000, onHand: 5)
        try await shop.addToCart(ann, mug, quantity: 2)
        #expect(
            try await shop.createCoupon([
                "code": "QUOTE", "kind": "fixed", "value": 10_000, "currency": "KES", "max_uses_per_customer": 1,
            ]).status == 201)
        #expect(
            try await shop.createCoupon([
                "code": "TOOBIG", "kind": "percentage", "value": 5, "currency": "KES", "minimum_subtotal": 1_000_000,
            ]).status == 201)
        let quote = try await shop.shop.request("POST", "/coupons/validate", token: ann, json: ["code": "quote"])
        #expect(quote.status == 200, "\(quote.text)")
        let body = try quote.json(Quote.self)
        #expect([body.subtotal, body.discount, body.total] as [Int] == [100_000, 10_000, 120_000])
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM coupon_uses") == 0)
        let short = try await shop.shop.request("POST", "/coupons/validate", token: ann, json: ["code": "TOOBIG"])
        #expect(short.problem?.code == "coupon-minimum-not-met")
        let unknown = try await shop.shop.request("POST", "/coupons/validate", token: ann, json: ["code": "NOPE"])
        #expect(unknown.status == 422)
        #expect(unknown.problem?.code == "coupon-invalid")
        #expect(try await shop.placeOrder(ann, coupon: "QUOTE").status == 201)
        try await shop.addToCart(ann, mug, quantity: 1)
        let used = try await shop.shop.request("POST", "/coupons/validate", token: ann, json: ["code": "QUOTE"])
        #expect(used.problem?.code == "coupon-exhausted")
        let anonymous = await shop.shop.request("POST", "/coupons/validate", body: Array(#"{"code":"QUOTE"}"#.utf8))
        #expect(anonymous.status == 401)
        await shop.shutdown()
    }

    @Test func anOrderRefusedForStockGivesItsUseBack() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let bob = try await shop.shop.customer("bob@example.com")
        let lamp = try await shop.product("LAMP", price: 50_000, onHand: 1)
        #expect(
            try await shop.createCoupon(["code": "LAMPDEAL", "kind": "percentage", "value": 10, "max_uses": 1]).status == 201)
        try await shop.addToCart(ann, lamp, quantity: 1)
        try await shop.addToCart(bob, lamp, quantity: 1)
        #expect(try await shop.placeOrder(bob).status == 201)  // takes the only lamp, no coupon
        let refused = try await shop.placeOrder(ann, coupon: "LAMPDEAL")
        #expect(refused.status == 409)
        #expect(refused.problem?.code == "insufficient-stock")
        #expect(try await shop.coupons().first { $0.code == "LAMPDEAL" }?.used == 0)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM coupon_uses") == 0)
        await shop.shutdown()
    }

    @Test func theAdminRoutesValidateAndGuard() async throws {
        let shop = try await OrdersShop.start()
        let bad = try await shop.createCoupon([
            "code": "x", "kind": "half", "value": 0, "currency": "shillings", "starts_at": "tomorrow",
            "ends_at": "2026-02-30T00:00:00Z", "max_uses": 0,
        ])
        #expect(bad.status == 422)
        let fields = Set(bad.problem?.errors?.map(\.field) ?? [])
        #expect(fields.isSuperset(of: ["code", "kind", "currency", "starts_at", "ends_at", "max_uses"]), "\(bad.text)")
        let backwards = try await shop.createCoupon([
            "code": "BACK", "kind": "percentage", "value": 5, "starts_at": "2027-01-01T00:00:00Z",
            "ends_at": "2026-01-01T00:00:00Z",
        ])
        #expect(backwards.problem?.errors?.map(\.field) == ["ends_at"])
        let fixedWithoutCurrency = try await shop.createCoupon(["code": "FLAT", "kind": "fixed", "value": 100])
        #expect(fixedWithoutCurrency.problem?.errors?.map(\.field) == ["currency"])
        #expect(try await shop.createCoupon(["code": "dup", "kind": "percentage", "value": 5]).status == 201)
        let duplicate = try await shop.createCoupon(["code": "DUP", "kind": "percentage", "value": 5])
        #expect(duplicate.status == 409)
        #expect(duplicate.problem?.code == "coupon-exists")
        let missing = try await shop.shop.request("PATCH", "/admin/coupons/NOPE", token: shop.admin, json: ["active": false])
        #expect(missing.status == 404)
        let ann = try await shop.shop.customer("ann@example.com")
        let customer = try await shop.shop.request(
            "POST", "/admin/coupons", token: ann,
            json: ["code": "MINE", "kind": "percentage", "value": 99] as [String: CouponField])
        #expect(customer.status == 403)
        #expect(await shop.shop.request("GET", "/admin/coupons", token: ann).status == 403)
        await shop.shutdown()
    }
}

/// Twenty customers race for a coupon's last use: exactly one order carries the discount.
enum LastCouponUseRace {
    static func run(_ shop: OrdersShop) async throws {
        let mug = try await shop.product("MUG", price: 50_000, onHand: 100)
        #expect(try await shop.createCoupon(["code": "LASTONE", "kind": "percentage", "value": 50, "max_uses": 2]).status == 201)
        let early = try await shop.shop.customer("early@example.com")
        try await shop.addToCart(early, mug, quantity: 1)
        #expect(try await shop.placeOrder(early, coupon: "LASTONE").status == 201)
        var customers: [String] = []
        for index in 0..<20 {
            let token = try await shop.shop.customer("racer\(index)@example.com")
            try await shop.addToCart(token, mug, quantity: 1)
            customers.append(token)
        }
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for token in customers { group.addTask { try await shop.placeOrder(token, coupon: "LASTONE") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = responses.filter { $0.status == 201 }
        let refused = responses.filter { $0.status == 422 }
        #expect(created.count == 1, "\(responses.filter { $0.status != 201 && $0.status != 422 }.map(\.text))")
        #expect(refused.count == 19)
        #expect(refused.allSatisfy { $0.problem?.code == "coupon-exhausted" })
        #expect(try created.first?.json(DiscountedOrder.self).discount == 25_000)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM coupon_uses WHERE coupon_code = 'LASTONE'") == 2)
        #expect(try await shop.count("SELECT used AS n FROM coupons WHERE code = 'LASTONE'") == 2)
        #expect(try await shop.available(mug) == 98)

        // One customer racing themself with five keys for a once-per-customer coupon: one order.
        #expect(
            try await shop.createCoupon([
                "code": "ONEEACH", "kind": "percentage", "value": 10, "max_uses_per_customer": 1,
            ]).status == 201)
        let solo = try await shop.shop.customer("solo@example.com")
        try await shop.addToCart(solo, mug, quantity: 1)
        let own = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<5 { group.addTask { try await shop.placeOrder(solo, coupon: "ONEEACH") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(own.filter { $0.status == 201 }.count == 1, "\(own.map(\.text))")
        // The others are refused for the coupon — or find the cart already emptied by the winner,
        // when it placed its order and cleared the cart before they priced theirs.
        #expect(
            own.filter { ["coupon-exhausted", "cart-empty"].contains($0.problem?.code ?? "") }.count == 4, "\(own.map(\.text))")
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM coupon_uses WHERE coupon_code = 'ONEEACH'") == 1)
    }
}

@Suite("The last coupon use")
struct CouponRaceTests {
    @Test func twentyShoppersRaceForTheLastUseOnSQLite() async throws {
        let shop = try await OrdersShop.start()
        try await LastCouponUseRace.run(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func twentyShoppersRaceForTheLastUseOnPostgres() async throws {
        let shop = try await PostgresOrderTests.start()
        try await LastCouponUseRace.run(shop)
        await shop.shutdown()
    }
}

// MARK: Shortcuts and wire shapes

/// A JSON value of a coupon body: a string, an integer or a boolean.
enum CouponField: Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case text(String)
    case number(Int)
    case flag(Bool)
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .flag(value) }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        }
    }
}

struct CouponDocument: Decodable {
    var code: String
    var used: Int
    var active: Bool
}

struct DiscountedOrder: Decodable {
    var id: String
    var subtotal: Int
    var discount: Int
    var couponCode: String?
    var total: Int
    enum CodingKeys: String, CodingKey {
        case id, subtotal, discount, total
        case couponCode = "coupon_code"
    }
}

struct PaymentTotal: Decodable { var total: Int }

struct Quote: Decodable {
    var subtotal: Int
    var discount: Int
    var total: Int
}

struct CouponOrderBody: Encodable {
    var shippingAddress: AddressBody
    var couponCode: String?
    enum CodingKeys: String, CodingKey {
        case shippingAddress = "shipping_address"
        case couponCode = "coupon_code"
    }
}

extension OrdersShop {
    func createCoupon(_ body: [String: CouponField]) async throws -> TestResponse {
        try await shop.request("POST", "/admin/coupons", token: admin, json: body)
    }

    func coupons() async throws -> [CouponDocument] {
        struct Page: Decodable { var items: [CouponDocument] }
        return try await shop.request("GET", "/admin/coupons", token: admin).json(Page.self).items
    }

    func placeOrder(_ token: String, key: String = UUID().uuidString, coupon: String?) async throws -> TestResponse {
        try await shop.request(
            "POST", "/orders", token: token, headers: [("Idempotency-Key", key)],
            json: CouponOrderBody(shippingAddress: OrdersShop.address, couponCode: coupon))
    }
}
