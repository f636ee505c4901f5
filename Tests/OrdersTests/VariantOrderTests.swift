import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Orders

/// A product sold as variants through cart, order and stock (docs/commerce.md, "Variants").
struct VariantProduct {
    let id: String
    /// Variant ids by their option value.
    let variants: [String: String]

    /// A product with one option, "Size", and a variant per `(value, price override, stock)`.
    static func make(
        _ shop: OrdersShop, sku: String, price: Int = 10_000, sizes: [(value: String, price: Int?, onHand: Int)]
    ) async throws -> VariantProduct {
        let body: [String: JSONValue] = [
            "sku": .string(sku), "name": .string("Sandals \(sku)"), "price": .integer(Int64(price)), "currency": .string("KES"),
            "category_id": .string(shop.category),
            "options": .array([.object(["name": .string("Size"), "values": .array(sizes.map { .string($0.value) })])]),
        ]
        let created = try await shop.shop.request("POST", "/products", token: shop.admin, json: body)
        guard created.status == 201 else { throw ShopTestError("product: \(created.status) \(created.text)") }
        let id = try created.json(Identified.self).id
        var variants: [String: String] = [:]
        for size in sizes {
            var variant: [String: JSONValue] = [
                "sku": .string("\(sku)-\(size.value)"), "options": .object(["Size": .string(size.value)]),
                "on_hand": .integer(Int64(size.onHand)),
            ]
            if let price = size.price { variant["price"] = .integer(Int64(price)) }
            let response = try await shop.shop.request("POST", "/products/\(id)/variants", token: shop.admin, json: variant)
            guard response.status == 201 else { throw ShopTestError("variant: \(response.status) \(response.text)") }
            variants[size.value] = try response.json(Identified.self).id
        }
        return VariantProduct(id: id, variants: variants)
    }

    /// The variant's `available` as the public product page shows it.
    func available(_ shop: OrdersShop, _ value: String) async throws -> Int {
        let response = await shop.shop.request("GET", "/products/\(id)")
        let product = try response.json(Shown.self)
        return try #require(product.variants.first { $0.id == variants[value] }).available
    }

    struct Shown: Decodable {
        struct Variant: Decodable {
            var id: String
            var available: Int
        }
        var variants: [Variant]
    }
}

extension OrdersShop {
    func addVariant(_ token: String, _ product: VariantProduct, _ value: String?, quantity: Int = 1) async throws
        -> TestResponse
    {
        var body: [String: JSONValue] = ["product_id": .string(product.id), "quantity": .integer(Int64(quantity))]
        if let value { body["variant_id"] = .string(product.variants[value] ?? value) }
        return try await shop.request("POST", "/cart/items", token: token, json: body)
    }
}

/// The placed order's lines as the order document shows them.
struct VariantOrder: Decodable {
    var id: String
    var lines: [OrderLine]
}

/// Thirty customers race for the last 4 units of size 40 while size 42 of the same sandal has
/// 20: exactly four orders are placed; size 42's stock is untouched.
enum LastVariantUnitsRace {
    static func run(_ shop: OrdersShop) async throws {
        let sandal = try await VariantProduct.make(shop, sku: "RACE", sizes: [("40", nil, 4), ("42", nil, 20)])
        var customers: [String] = []
        for index in 0..<30 {
            let token = try await shop.shop.customer("racer\(index)@example.com")
            let added = try await shop.addVariant(token, sandal, "40")
            #expect(added.status == 200, "\(added.text)")
            customers.append(token)
        }
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for token in customers { group.addTask { try await shop.placeOrder(token) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = responses.filter { $0.status == 201 }
        let refused = responses.filter { $0.status == 409 }
        #expect(created.count == 4, "\(responses.filter { $0.status != 201 && $0.status != 409 }.map(\.text))")
        #expect(refused.count == 26)
        #expect(refused.allSatisfy { $0.problem?.code == "insufficient-stock" })
        #expect(try await sandal.available(shop, "40") == 0)
        #expect(try await sandal.available(shop, "42") == 20)
        for response in created {
            let order = try response.json(VariantOrder.self)
            #expect(order.lines.map(\.variantID) == [sandal.variants["40"]])
        }
    }
}

@Suite("Orders of variants")
struct VariantOrderTests {
    @Test func twoVariantsOfOneProductAreTwoLinesPricedAndStockedApart() async throws {
        try await Self.twoVariants(try await OrdersShop.start())
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func twoVariantsOfOneProductOnPostgres() async throws {
        try await Self.twoVariants(try await PostgresOrderTests.start())
    }

    static func twoVariants(_ shop: OrdersShop) async throws {
        let sandal = try await VariantProduct.make(shop, sku: "SANDAL", sizes: [("40", nil, 5), ("42", 12_500, 3)])
        let ann = try await shop.shop.customer("ann@example.com")

        let bare = try await shop.addVariant(ann, sandal, nil)
        #expect(bare.status == 422 && bare.problem?.code == "variant-required")
        let stray = try await shop.addVariant(ann, sandal, UUID().uuidString.lowercased())
        #expect(stray.status == 404 && stray.problem?.code == "variant-not-found")
        #expect(try await shop.addVariant(ann, sandal, "40", quantity: 2).status == 200)
        let cart = try await shop.addVariant(ann, sandal, "42")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cart.body)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["option_text"] as? String } == ["Size: 40", "Size: 42"])
        #expect(items.compactMap { $0["unit_price"] as? Int } == [10_000, 12_500])
        #expect(object["subtotal"] as? Int == 32_500)

        // PATCH and DELETE name a variant's line with ?variant_id=.
        let patched = await shop.shop.request(
            "PATCH", "/cart/items/\(sandal.id)?variant_id=\(sandal.variants["42"]!)", token: ann,
            body: Array(#"{"quantity":2}"#.utf8))
        #expect(patched.status == 200)
        let patchedBare = await shop.shop.request(
            "PATCH", "/cart/items/\(sandal.id)", token: ann, body: Array(#"{"quantity":2}"#.utf8))
        #expect(patchedBare.status == 404 && patchedBare.problem?.code == "item-not-found")

        let placed = try await shop.placeOrder(ann)
        #expect(placed.status == 201, "\(placed.text)")
        let order = try placed.json(VariantOrder.self)
        #expect(order.lines.map(\.sku) == ["SANDAL-40", "SANDAL-42"])
        #expect(order.lines.map(\.optionText) == ["Size: 40", "Size: 42"])
        #expect(order.lines.map(\.unitPrice) == [10_000, 12_500])
        #expect(order.lines.map(\.quantity) == [2, 2])
        #expect(try await sandal.available(shop, "40") == 3)
        #expect(try await sandal.available(shop, "42") == 1)
        // Read back from the store: the rows keep the variant (two lines of one product).
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM order_lines WHERE product_id = $1", [.text(sandal.id)]) == 2)
        let fetched = await shop.shop.request("GET", "/orders/\(order.id)", token: ann)
        #expect(try fetched.json(VariantOrder.self).lines == order.lines)
        // The ordered units left the cart, per variant.
        let after = await shop.shop.request("GET", "/cart", token: ann)
        #expect(
            try #require(try JSONSerialization.jsonObject(with: Data(after.body)) as? [String: Any])["item_count"] as? Int == 0)
        await shop.shutdown()
    }

    @Test func buyNowNamesTheVariant() async throws {
        let shop = try await OrdersShop.start()
        let sandal = try await VariantProduct.make(shop, sku: "NOW", sizes: [("40", nil, 5), ("42", nil, 5)])
        let ann = try await shop.shop.customer("ann@example.com")
        func buy(_ items: [[String: JSONValue]]) async throws -> TestResponse {
            let address = try JSONCoding.decode(JSONValue.self, from: try JSONCoding.encode(OrdersShop.address))
            return try await shop.shop.request(
                "POST", "/orders", token: ann, headers: [("Idempotency-Key", UUID().uuidString)],
                json: ["shipping_address": address, "items": .array(items.map { .object($0) })] as [String: JSONValue])
        }
        let bare = try await buy([["product_id": .string(sandal.id), "quantity": .integer(1)]])
        #expect(bare.status == 422 && bare.problem?.code == "variant-required", "\(bare.text)")
        let bought = try await buy([
            ["product_id": .string(sandal.id), "variant_id": .string(sandal.variants["42"]!), "quantity": .integer(2)]
        ])
        #expect(bought.status == 201, "\(bought.text)")
        #expect(try bought.json(VariantOrder.self).lines.map(\.optionText) == ["Size: 42"])
        #expect(try await sandal.available(shop, "42") == 3)
        #expect(try await sandal.available(shop, "40") == 5)
        await shop.shutdown()
    }

    @Test func thirtyCustomersRaceForTheLastUnitsOfOneVariantOnSQLite() async throws {
        let shop = try await OrdersShop.start()
        try await LastVariantUnitsRace.run(shop)
        await shop.shutdown()
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func thirtyCustomersRaceForTheLastUnitsOfOneVariantOnPostgres()
        async throws
    {
        let shop = try await PostgresOrderTests.start()
        try await LastVariantUnitsRace.run(shop)
        await shop.shutdown()
    }
}
