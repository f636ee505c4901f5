import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// Prices as shown: with `SOKO_PRICES_INCLUDE_VAT` the order's total is what the shelf said, and
/// its `tax` is the VAT that total contains.
@Suite("VAT-inclusive prices")
struct VATIncludedTests {
    static var kenya: OrdersSettings {
        var settings = OrdersSettings.defaults
        settings.pricesIncludeVAT = true
        return settings
    }

    @Test(arguments: [
        // 116 000 + 30 000 shipping = 146 000 gross; × 16/116 = 20 137.93 → 20 138.
        ([116_000], 30_000, 146_000, 20_138),
        // From the free-shipping threshold: 580 000 × 16/116 = 80 000 exactly.
        ([580_000], 0, 580_000, 80_000),
        // The VAT is rounded once per order, not per line: 3 × 100 + 30 000 = 30 300 → 4 179.31 → 4 179.
        ([100, 100, 100], 30_000, 30_300, 4_179),
    ])
    func vatIsContainedInTheTotal(_ lines: [Int], _ shipping: Int, _ total: Int, _ vat: Int) throws {
        let totals = try #require(OrderTotals.compute(lineTotals: lines, settings: Self.kenya))
        #expect(totals.shipping == shipping)
        #expect(totals.total == total)
        #expect(totals.tax == vat)
        #expect(totals.vatIncludedRateBasisPoints == 1_600)
    }

    @Test func theIncludedVATRoundsHalfUp() {
        // At 100 %, half of the gross: 3 → 1.5 → 2; 5 → 2.5 → 3; 4 → 2.
        #expect(OrderTotals.includedVAT(in: 3, rateBasisPoints: 10_000) == 2)
        #expect(OrderTotals.includedVAT(in: 5, rateBasisPoints: 10_000) == 3)
        #expect(OrderTotals.includedVAT(in: 4, rateBasisPoints: 10_000) == 2)
        #expect(OrderTotals.includedVAT(in: 0, rateBasisPoints: 1_600) == 0)
        #expect(OrderTotals.includedVAT(in: Int.max, rateBasisPoints: 1_600) == nil)
    }

    @Test func theSettingsAreReadAndValidated() throws {
        #expect(OrdersSettings.defaults.pricesIncludeVAT == false)
        #expect(OrdersSettings.defaults.vatRateBasisPoints == 1_600)
        let read = try OrdersSettings(environment: ["SOKO_PRICES_INCLUDE_VAT": "true", "SOKO_VAT_RATE": "7.5"])
        #expect(read.pricesIncludeVAT)
        #expect(read.vatRateBasisPoints == 750)
        #expect(try OrdersSettings(environment: ["SOKO_VAT_RATE": "12.25"]).vatRateBasisPoints == 1_225)
        #expect(try OrdersSettings(environment: ["SOKO_VAT_RATE": "16"]).vatRateBasisPoints == 1_600)
        for environment in [
            ["SOKO_PRICES_INCLUDE_VAT": "maybe"], ["SOKO_VAT_RATE": "16%"], ["SOKO_VAT_RATE": "7.555"],
            ["SOKO_VAT_RATE": "101"], ["SOKO_VAT_RATE": "-1"], ["SOKO_VAT_RATE": ""],
            ["SOKO_PRICES_INCLUDE_VAT": "true", "SOKO_TAX_RATE_BPS": "1600"],
        ] {
            #expect(throws: OrdersSettingsError.self, "\(environment)") { try OrdersSettings(environment: environment) }
        }
    }

    @Test func anOrderShowsTheVATItsTotalContains() async throws {
        try await Self.vatAndCouponOrder(try await OrdersShop.start(environment: ["SOKO_PRICES_INCLUDE_VAT": "true"]))
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func anOrderShowsTheVATItsTotalContainsOnPostgres() async throws {
        var configuration = try #require(ShopHost.postgresConfiguration())
        configuration.store.poolSize = 8
        try await Self.vatAndCouponOrder(
            try await OrdersShop.start(environment: ["SOKO_PRICES_INCLUDE_VAT": "true"], configuration: configuration))
    }

    /// A VAT-inclusive order with a coupon, placed, read back and announced.
    static func vatAndCouponOrder(_ shop: OrdersShop) async throws {
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 58_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        #expect(try await shop.createCoupon(["code": "HALF", "kind": "percentage", "value": 50]).status == 201)
        let response = try await shop.placeOrder(ann, coupon: "half")
        #expect(response.status == 201, "\(response.text)")
        let order = try response.json(VATOrder.self)
        // 116 000 − 58 000 discount + 30 000 shipping = 88 000 gross, VAT 12 137.93 → 12 138.
        #expect(order.subtotal == 116_000)
        #expect(order.total == 88_000)
        #expect(order.tax == 12_138)
        #expect(order.pricesIncludeVAT)
        #expect(order.vatRateBps == 1_600)
        let stored = try await shop.shop.request("GET", "/orders/\(order.id)", token: ann).json(VATOrder.self)
        #expect(stored.tax == 12_138)
        #expect(stored.vatRateBps == 1_600)
        let placed = try await shop.events().first { $0.name == "order.placed" }
        #expect(placed?.payload.vatIncludedRateBasisPoints == 1_600)
        #expect(placed?.payload.tax == 12_138)
        await shop.shutdown()
    }

    @Test func withoutTheSettingTaxIsAddedAsBefore() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 58_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let order = try await shop.placeOrder(ann, coupon: nil).json(VATOrder.self)
        #expect(!order.pricesIncludeVAT)
        #expect(order.vatRateBps == nil)
        #expect(order.tax == 0)
        await shop.shutdown()
    }
}

struct VATOrder: Decodable {
    var id: String
    var subtotal: Int
    var tax: Int
    var total: Int
    var pricesIncludeVAT: Bool
    var vatRateBps: Int?
    enum CodingKeys: String, CodingKey {
        case id, subtotal, tax, total
        case pricesIncludeVAT = "prices_include_vat"
        case vatRateBps = "vat_rate_bps"
    }
}
