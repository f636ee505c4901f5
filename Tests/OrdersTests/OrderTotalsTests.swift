import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

@Suite("Totals and settings")
struct OrderTotalsTests {
    static let kenya = OrdersSettings(shippingFlat: 30_000, freeShippingFrom: 500_000, taxRateBasisPoints: 1_600, orderTTL: 1800)

    @Test(arguments: [
        // subtotal below the threshold: flat shipping; tax 16 % of the subtotal.
        ([100_000, 99_999], 199_999, 30_000, 32_000, 261_999),
        // exactly at the threshold: free shipping.
        ([500_000], 500_000, 0, 80_000, 580_000),
        // half a minor unit of tax rounds up: 3_125 × 16 % = 500; 3 × 16 % = 0.48 → 0; 28 × 16 % = 4.48 → 4.
        ([3_125], 3_125, 30_000, 500, 33_625),
        ([3], 3, 30_000, 0, 30_003),
        ([28], 28, 30_000, 4, 30_032),
        ([], 0, 30_000, 0, 30_000),
    ])
    func totals(_ lines: [Int], _ subtotal: Int, _ shipping: Int, _ tax: Int, _ total: Int) {
        let totals = OrderTotals.compute(lineTotals: lines, settings: Self.kenya)
        #expect(totals == OrderTotals(subtotal: subtotal, shipping: shipping, tax: tax, total: total))
    }

    @Test func halfUpRounding() {
        var settings = Self.kenya
        settings.taxRateBasisPoints = 5_000  // 50 %: 1 → 0.5 → 1; 3 → 1.5 → 2
        #expect(OrderTotals.compute(lineTotals: [1], settings: settings)?.tax == 1)
        #expect(OrderTotals.compute(lineTotals: [3], settings: settings)?.tax == 2)
        #expect(OrderTotals.compute(lineTotals: [Int.max], settings: settings) == nil)
        #expect(OrderTotals.compute(lineTotals: [Int.max, 1], settings: settings) == nil)
    }

    @Test func settingsComeFromTheEnvironmentAndAreValidated() throws {
        #expect(try OrdersSettings(environment: [:]) == .defaults)
        #expect(OrdersSettings.defaults.orderTTL == 1800)
        let read = try OrdersSettings(environment: [
            "SOKO_SHIPPING_FLAT": "50000", "SOKO_FREE_SHIPPING_FROM": "0", "SOKO_TAX_RATE_BPS": "1600", "SOKO_ORDER_TTL": "2h",
        ])
        #expect(read.shippingFlat == 50_000)
        #expect(read.freeShippingFrom == 0)
        #expect(read.taxRateBasisPoints == 1_600)
        #expect(read.orderTTL == 7_200)
        for (ttl, seconds) in [("30m", 1_800), ("90s", 90), ("600", 600), ("1d", 86_400)] {
            #expect(try OrdersSettings(environment: ["SOKO_ORDER_TTL": ttl]).orderTTL == seconds)
        }
        for (name, value) in [
            ("SOKO_ORDER_TTL", "soon"), ("SOKO_ORDER_TTL", "0"), ("SOKO_ORDER_TTL", "8d"), ("SOKO_TAX_RATE_BPS", "10001"),
            ("SOKO_TAX_RATE_BPS", "16%"), ("SOKO_SHIPPING_FLAT", "-1"), ("SOKO_FREE_SHIPPING_FROM", "lots"),
        ] {
            #expect(throws: OrdersSettingsError.self, "\(name)=\(value)") {
                try OrdersSettings(environment: [name: value])
            }
        }
    }

    @Test func anOrderIsPricedWithTheShopsSettings() async throws {
        let shop = try await OrdersShop.start(environment: [
            "SOKO_SHIPPING_FLAT": "20000", "SOKO_FREE_SHIPPING_FROM": "300000", "SOKO_TAX_RATE_BPS": "1600",
        ])
        let ann = try await shop.shop.customer("ann@example.com")
        let mug = try await shop.product("MUG", price: 40_000, onHand: 20)
        try await shop.addToCart(ann, mug, quantity: 3)
        let small = try await shop.order(ann)
        #expect([small.subtotal, small.shipping, small.tax, small.total] as [Int] == [120_000, 20_000, 19_200, 159_200])
        try await shop.addToCart(ann, mug, quantity: 8)
        let large = try await shop.order(ann)
        // The first order's event cleared its units; the cart may hold 8 or 11 mugs by now.
        #expect(large.subtotal >= 320_000)
        #expect(large.shipping == 0)
        #expect(large.tax == (large.subtotal * 1_600 + 5_000) / 10_000)
        #expect(large.total == large.subtotal + large.tax)
        await shop.shutdown()
    }

    @Test func aCartInTwoCurrenciesIsRefused() async throws {
        let catalog = FakeCommerce(
            cart: [("p1", 1), ("p2", 1)],
            products: [
                .init(id: "p1", sku: "A", name: "A", price: 100, currency: "KES", available: 5, archived: false),
                .init(id: "p2", sku: "B", name: "B", price: 100, currency: "USD", available: 5, archived: false),
            ])
        let placement = OrderPlacement(customerID: "c1", context: catalog.context(), settings: .defaults)
        do {
            _ = try await placement.price()
            Issue.record("priced a cart in two currencies")
        } catch let refusal as OrderPlacement.Refusal {
            #expect(refusal.problem.status == 422)
            #expect(refusal.problem.code == "currency-mismatch")
        }
    }
}

/// Canned answers from the cart and the catalog, for pricing alone.
struct FakeCommerce: FunctionInvoker {
    var cart: [(String, Int)]
    var products: [ProductSummary]

    func invoke(service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext) async throws
        -> FunctionResponse
    {
        switch function {
        case "checkoutCart":
            return try .json(CartCheckout(items: cart.map { ProductQuantity(productID: $0.0, quantity: $0.1) }))
        case "lookupProducts": return try .json(ProductSummaries(products: products))
        default: return FunctionResponse(status: 500)
        }
    }

    func context() -> FunctionContext {
        FunctionContext(
            requestID: "fake", deadline: .now + .seconds(5), service: "orders", function: "placeOrder",
            request: FunctionRequest(method: "POST", path: "/orders"), invoker: self, logger: Logger(label: "fake"))
    }
}
