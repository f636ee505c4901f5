import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Catalog

/// Products sold as variants: options, variants with their own SKU, price and stock, and
/// reservations per variant (docs/commerce.md, "Variants").
@Suite("Catalog variants")
struct VariantTests {
    /// A shop with a "Sandals" product in sizes 40 and 42 (42 priced apart), 3 and 5 on the shelf.
    struct Setup {
        let shop: CatalogShop
        let category: String
        let product: ProductView
        let small: VariantView
        let large: VariantView

        static func make(configuration: HostConfiguration = TestHost.defaultConfiguration()) async throws -> Setup {
            let shop = try await CatalogShop.start(configuration: configuration)
            let category = try await shop.category("Shoes").id
            let product = try await shop.optionedProduct("SANDAL", category: category, options: ["Size": ["40", "42"]])
            let small = try await shop.variant(product.id, sku: "SANDAL-40", ["Size": "40"], onHand: 3)
            let large = try await shop.variant(product.id, sku: "SANDAL-42", ["Size": "42"], price: 2_500, onHand: 5)
            return Setup(shop: shop, category: category, product: product, small: small, large: large)
        }

        func counts(_ variant: VariantView) async throws -> (onHand: Int, reserved: Int) {
            let row = try #require(
                try await shop.store.query(
                    "SELECT on_hand, reserved FROM variant_inventory WHERE variant_id = $1", [.text(variant.id)]
                ).first)
            return (try row.int("on_hand") ?? -1, try row.int("reserved") ?? -1)
        }
    }

    @Test func productShowsItsOptionsAndVariantsWithEffectivePriceAndStock() async throws {
        try await Self.showsVariants(try await Setup.make())
    }

    @Test func reservationsTakeFromTheVariantsOwnStock() async throws {
        try await Self.reservesPerVariant(try await Setup.make())
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func variantsOnPostgres() async throws {
        // A configuration each: every one has fresh schemas.
        try await Self.showsVariants(try await Setup.make(configuration: try #require(ShopHost.postgresConfiguration())))
        try await Self.reservesPerVariant(try await Setup.make(configuration: try #require(ShopHost.postgresConfiguration())))
    }

    @Test func aProductAndAVariantRacingForOneSKUGetItOnce() async throws {
        try await Self.racesForOneSKU(try await Setup.make())
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func aProductAndAVariantRacingForOneSKUGetItOnceOnPostgres()
        async throws
    {
        try await Self.racesForOneSKU(try await Setup.make(configuration: try #require(ShopHost.postgresConfiguration())))
    }

    /// Rounds of a new product and a new variant written at once with the same fresh SKU: each
    /// round exactly one of them gets it, the other 409 `sku-taken` (the cross-table check is
    /// serialised per SKU; each table's UNIQUE alone would let both in).
    static func racesForOneSKU(_ setup: Setup) async throws {
        let shop = setup.shop
        let colours = try await shop.optionedProduct(
            "KIKOI", category: setup.category, options: ["Colour": (0..<6).map { "C\($0)" }])
        for round in 0..<6 {
            let sku = "RACE-\(round)"
            async let product = shop.shop.request(
                "POST", "/products", token: shop.admin,
                json: NewProduct(
                    sku: sku, name: "Racer", description: "", price: 100, currency: "KES", categoryID: setup.category,
                    images: [], attributes: [:]))
            async let variant = shop.shop.request(
                "POST", "/products/\(colours.id)/variants", token: shop.admin,
                body: Array(#"{"sku":"\#(sku)","options":{"Colour":"C\#(round)"}}"#.utf8))
            let answers = [try await product, await variant]
            #expect(answers.filter { $0.status == 201 }.count == 1, "\(answers.map(\.text))")
            #expect(answers.filter { $0.status == 409 && $0.problem?.code == "sku-taken" }.count == 1)
        }
        await shop.shutdown()
    }

    static func showsVariants(_ setup: Setup) async throws {
        let product = try await setup.shop.get(setup.product.id)
        #expect(product.options == [ProductOption(name: "Size", values: ["40", "42"])])
        let variants = try #require(product.variants)
        #expect(variants.map(\.sku) == ["SANDAL-40", "SANDAL-42"])
        #expect(variants.map(\.price) == [1_000, 2_500])  // the product's price, then the override
        #expect(variants.map(\.available) == [3, 5])
        #expect(variants.map(\.optionText) == ["Size: 40", "Size: 42"])
        #expect(variants.allSatisfy { $0.onHand == nil })  // shoppers do not see the counters
        #expect(product.available == 8)  // the sum over the variants on sale
        // The merchant's view has the counters.
        let admin = await setup.shop.shop.request("GET", "/admin/products/\(setup.product.id)", token: setup.shop.admin)
        #expect(try admin.json(ProductView.self).variants?.map(\.onHand) == [3, 5])
        // The merchant's counters of a product sold as variants are the sums over them.
        let counters = try #require(try JSONSerialization.jsonObject(with: Data(admin.body)) as? [String: Any])
        #expect(counters["on_hand"] as? Int == 8 && counters["reserved"] as? Int == 0)
        // Listings count the variants' stock too (in_stock filter included).
        let listed = try await setup.shop.list("in_stock=true")
        #expect(listed.items.first { $0.id == setup.product.id }?.available == 8)
        await setup.shop.shutdown()
    }

    @Test func variantsAreValidatedAgainstTheOptions() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        func post(_ json: String) async -> TestResponse {
            await shop.shop.request(
                "POST", "/products/\(setup.product.id)/variants", token: shop.admin, body: Array(json.utf8))
        }
        let unknownValue = await post(#"{"sku":"SANDAL-44","options":{"Size":"44"}}"#)
        #expect(unknownValue.status == 422 && unknownValue.fields == ["options.Size"])
        let strayOption = await post(#"{"sku":"SANDAL-X","options":{"Size":"40","Colour":"Red"}}"#)
        #expect(strayOption.status == 422 && strayOption.fields == ["options.Colour"])
        let twice = await post(#"{"sku":"SANDAL-40B","options":{"Size":"40"}}"#)
        #expect(twice.status == 409 && twice.problem?.code == "variant-exists")
        // SKUs are unique shop-wide: a variant cannot take a product's, nor a product a variant's.
        let taken = await shop.shop.request(
            "PATCH", "/products/\(setup.product.id)/variants/\(setup.large.id)", token: shop.admin,
            body: Array(#"{"sku":"SANDAL"}"#.utf8))
        #expect(taken.status == 409 && taken.problem?.code == "sku-taken", "\(taken.text)")
        let clash = try await shop.shop.request(
            "POST", "/products", token: shop.admin,
            json: NewProduct(
                sku: "SANDAL-40", name: "Clash", description: "", price: 100, currency: "KES", categoryID: setup.category,
                images: [], attributes: [:]))
        #expect(clash.status == 409 && clash.problem?.code == "sku-taken", "\(clash.text)")
        // Options cannot change under existing variants.
        let change = await shop.shop.request(
            "PATCH", "/products/\(setup.product.id)", token: shop.admin,
            body: Array(#"{"options":[{"name":"Size","values":["39"]}]}"#.utf8))
        #expect(change.status == 409 && change.problem?.code == "options-in-use")
        let bad = await shop.shop.request(
            "POST", "/products", token: shop.admin,
            body: Array(
                #"{"sku":"T","name":"T","price":1,"currency":"KES","category_id":"\#(setup.category)","options":[{"name":"A","values":["x"]},{"name":"B","values":["x"]},{"name":"C","values":["x"]},{"name":"D","values":["x"]}]}"#
                    .utf8))
        #expect(bad.status == 422 && bad.fields == ["options"])
        let plain = try await shop.product("PLAIN", category: setup.category)
        let noOptions = await shop.shop.request(
            "POST", "/products/\(plain.id)/variants", token: shop.admin, body: Array(#"{"sku":"P-1","options":{}}"#.utf8))
        #expect(noOptions.status == 422 && noOptions.problem?.code == "product-has-no-options")
        await shop.shutdown()
    }

    @Test func variantPriceAndStockAreManagedOnTheirOwn() async throws {
        let setup = try await Setup.make()
        let shop = setup.shop
        let path = "/products/\(setup.product.id)/variants/\(setup.large.id)"
        let stocked = await shop.shop.request("PUT", path + "/inventory", token: shop.admin, body: Array(#"{"on_hand":9}"#.utf8))
        #expect(stocked.status == 200)
        #expect(try stocked.json(VariantView.self).available == 9)
        let reset = await shop.shop.request("PATCH", path, token: shop.admin, body: Array(#"{"price":null}"#.utf8))
        #expect(try reset.json(VariantView.self).price == 1_000)
        let archived = await shop.shop.request("PATCH", path, token: shop.admin, body: Array(#"{"archived":true}"#.utf8))
        #expect(archived.status == 200)
        let product = try await shop.get(setup.product.id)
        #expect(product.variants?.map(\.id) == [setup.small.id])  // an archived variant is not on sale
        #expect(product.available == 3)
        let unknown = await shop.shop.request(
            "PUT", "/products/\(setup.product.id)/variants/\(UUID().uuidString.lowercased())/inventory", token: shop.admin,
            body: Array(#"{"on_hand":1}"#.utf8))
        #expect(unknown.status == 404 && unknown.problem?.code == "variant-not-found")
        await shop.shutdown()
    }

    static func reservesPerVariant(_ setup: Setup) async throws {
        let shop = setup.shop
        let bare = try await shop.reserveLines("order-0", [.init(productID: setup.product.id, quantity: 1)])
        #expect(bare.status == 422 && bare.problem?.code == "variant-required")
        #expect(bare.fields == ["lines[0].variant_id"])
        let foreign = try await shop.reserveLines(
            "order-0", [.init(productID: setup.product.id, variantID: UUID().uuidString.lowercased(), quantity: 1)])
        #expect(foreign.status == 422 && foreign.problem?.code == "unknown-product")

        let both = try await shop.reserveLines(
            "order-1",
            [
                .init(productID: setup.product.id, variantID: setup.small.id, quantity: 2),
                .init(productID: setup.product.id, variantID: setup.large.id, quantity: 1),
            ])
        #expect(both.status == 200, "\(both.text)")
        #expect(try await setup.counts(setup.small) == (3, 2))
        #expect(try await setup.counts(setup.large) == (5, 1))
        let short = try await shop.reserveLines(
            "order-2", [.init(productID: setup.product.id, variantID: setup.small.id, quantity: 2)])
        #expect(short.status == 409 && short.problem?.code == "insufficient-stock")
        #expect(try await setup.counts(setup.small) == (3, 2))  // nothing reserved

        #expect(try await shop.settle("commit", "order-1").status == 200)
        #expect(try await setup.counts(setup.small) == (1, 0))
        #expect(try await setup.counts(setup.large) == (4, 0))
        #expect(try await shop.settle("release", "order-1").status == 200)  // returned to the shelf
        #expect(try await setup.counts(setup.small) == (3, 0))
        #expect(try await setup.counts(setup.large) == (5, 0))

        // Expiry releases a variant's reservation.
        let held = try await shop.reserveLines(
            "order-3", [.init(productID: setup.product.id, variantID: setup.large.id, quantity: 4)], ttl: 1)
        #expect(held.status == 200)
        #expect(try await setup.counts(setup.large) == (5, 4))
        let released = try await StockReservations.expire(store: shop.store, now: WallClock.system.now().adding(seconds: 5))
        #expect(released == 1)
        #expect(try await setup.counts(setup.large) == (5, 0))
        await shop.shutdown()
    }

    @Test func lookupCarriesTheVariantsAndPlainProductsStayAsTheyWere() async throws {
        let setup = try await Setup.make()
        let plain = try await setup.shop.product("PLAIN", category: setup.category)
        let response = try await setup.shop.shop.request(
            "POST", "/internal/catalog/lookup", token: setup.shop.service, json: ["product_ids": [setup.product.id, plain.id]])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let products = try #require(object["products"] as? [[String: Any]])
        #expect((products[0]["variants"] as? [[String: Any]])?.compactMap { $0["sku"] as? String } == ["SANDAL-40", "SANDAL-42"])
        #expect((products[0]["variants"] as? [[String: Any]])?.compactMap { $0["price"] as? Int } == [1_000, 2_500])
        #expect(products[1]["variants"] == nil)  // no key at all for a product without variants
        await setup.shop.shutdown()
    }
}

extension CatalogShop {
    /// A product that declares `options` (name → values, in name order).
    func optionedProduct(_ sku: String, category: String, options: [String: [String]]) async throws -> ProductView {
        let list = options.keys.sorted().map {
            ["name": JSONValue.string($0), "values": .array(options[$0]!.map { .string($0) })]
        }
        let body: [String: JSONValue] = [
            "sku": .string(sku), "name": .string("Product \(sku)"), "price": .integer(1_000), "currency": .string("KES"),
            "category_id": .string(category), "options": .array(list.map { .object($0) }),
        ]
        let response = try await shop.request("POST", "/products", token: admin, json: body)
        guard response.status == 201 else { throw ShopTestError("product \(sku): \(response.status) \(response.text)") }
        return try response.json(ProductView.self)
    }

    func variant(_ productID: String, sku: String, _ options: [String: String], price: Int? = nil, onHand: Int) async throws
        -> VariantView
    {
        var body: [String: JSONValue] = [
            "sku": .string(sku), "options": .object(options.mapValues { .string($0) }), "on_hand": .integer(Int64(onHand)),
        ]
        if let price { body["price"] = .integer(Int64(price)) }
        let response = try await shop.request("POST", "/products/\(productID)/variants", token: admin, json: body)
        guard response.status == 201 else { throw ShopTestError("variant \(sku): \(response.status) \(response.text)") }
        return try response.json(VariantView.self)
    }

    func reserveLines(_ order: String, _ lines: [StockReservations.Line], ttl: Int? = nil) async throws -> TestResponse {
        try await shop.request(
            "POST", "/internal/inventory/reserve", token: service,
            json: ReserveBody(orderID: order, lines: lines, ttlSeconds: ttl))
    }
}
