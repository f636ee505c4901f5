import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Catalog

/// Products and categories through the real router, auth policy and store.
@Suite("Catalog products")
struct ProductTests {
    @Test func createReadUpdateArchive() async throws {
        let shop = try await CatalogShop.start()
        let kitchen = try await shop.category("Kitchen")
        let created = try await shop.shop.request(
            "POST", "/products", token: shop.admin,
            json: NewProduct(
                sku: "  JIKO-1 ", name: "Ceramic Jiko", description: "Saves charcoal", price: 120_000, currency: "KES",
                categoryID: kitchen.id, images: ["https://images.soko.example/jiko.jpg"],
                attributes: ["fuel": .string("charcoal"), "weight_kg": .number(4.5), "liners": .integer(2), "new": .bool(true)],
                onHand: 7))
        #expect(created.status == 201)
        #expect(created.headers["Location"]?.hasPrefix("/products/") == true)
        for key in ["\"category_id\"", "\"created_at\"", "\"updated_at\"", "\"available\":7", "\"archived\":false"] {
            #expect(created.text.contains(key), "missing \(key)")
        }
        let product = try created.json(ProductView.self)
        #expect(product.sku == "JIKO-1")
        #expect(product.attributes["weight_kg"] == .number(4.5))
        #expect(product.attributes["liners"] == .integer(2))
        #expect(CatalogID.isWellFormed(product.id) && product.id == product.id.lowercased())
        #expect(try await shop.get(product.id) == product)

        let patched = try await shop.shop.request(
            "PATCH", "/products/\(product.id)", token: shop.admin, json: ["name": "Kenya Ceramic Jiko"])
        #expect(patched.status == 200)
        let updated = try patched.json(ProductView.self)
        #expect(updated.name == "Kenya Ceramic Jiko")
        #expect(updated.price == 120_000 && updated.sku == "JIKO-1" && updated.images == product.images)
        #expect(updated.updatedAt >= product.updatedAt)

        #expect(await shop.shop.request("DELETE", "/products/\(product.id)", token: shop.admin).status == 204)
        #expect(await shop.shop.request("GET", "/products/\(product.id)").status == 404)
        #expect(try await shop.list("").items.isEmpty)
        // Archiving twice is harmless; the row stays for the orders that name it.
        #expect(await shop.shop.request("DELETE", "/products/\(product.id)", token: shop.admin).status == 204)
        let archived = try await ProductRecords.find(product.id, in: shop.store)
        #expect(archived?.archived == true)
        // An admin can bring it back.
        let restored = try await shop.shop.request(
            "PATCH", "/products/\(product.id)", token: shop.admin, json: ["archived": false])
        #expect(restored.status == 200)
        #expect(try await shop.get(product.id).archived == false)
        await shop.shutdown()
    }

    @Test(arguments: [
        (#"{"name":"A","price":100,"currency":"KES","category_id":"CAT"}"#, ["sku"]),
        (#"{"sku":"A-1","name":"","price":0,"currency":"kes","category_id":"CAT"}"#, ["name", "price", "currency"]),
        (#"{"sku":"A 1","name":"A","price":-5,"currency":"KESH","category_id":"CAT"}"#, ["sku", "price", "currency"]),
        (
            #"{"sku":"A-1","name":"A","price":100,"currency":"KES","category_id":"CAT","images":["ftp://x/y.jpg","not a url"]}"#,
            ["images[0]", "images[1]"]
        ),
        (
            #"{"sku":"A-1","name":"A","price":100,"currency":"KES","category_id":"CAT","attributes":{"a":{"b":1},"c":[1],"d":null}}"#,
            ["attributes.a", "attributes.c", "attributes.d"]
        ),
        (#"{"sku":"A-1","name":"A","price":12.5,"currency":"KES","category_id":"CAT"}"#, ["price"]),
        (#"{"sku":"A-1","name":"A","price":100,"currency":"KES","category_id":"CAT","on_hand":-1}"#, ["on_hand"]),
        (#"{"sku":"A-1","name":"A","price":100,"currency":"KES","category_id":"no-such-category"}"#, ["category_id"]),
    ])
    func createRefusesInvalidFields(_ body: String, _ fields: [String]) async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let response = await shop.shop.request(
            "POST", "/products", token: shop.admin,
            body: Array(body.replacingOccurrences(of: "\"CAT\"", with: "\"\(category.id)\"").utf8))
        #expect(response.status == 422)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(Set(response.fields) == Set(fields), "\(response.text)")
        #expect(try await shop.list("").items.isEmpty)
        await shop.shutdown()
    }

    @Test func skusAreUniqueOnCreateAndUpdate() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let first = try await shop.product("SKU-1", category: category.id)
        let second = try await shop.product("SKU-2", category: category.id)
        let again = try await shop.shop.request(
            "POST", "/products", token: shop.admin,
            json: NewProduct(
                sku: "SKU-1", name: "Other", description: "", price: 5, currency: "KES", categoryID: category.id, images: [],
                attributes: [:]))
        #expect(again.status == 409)
        #expect(again.problem?.code == "sku-taken")
        let renamed = try await shop.shop.request("PATCH", "/products/\(second.id)", token: shop.admin, json: ["sku": "SKU-1"])
        #expect(renamed.status == 409)
        #expect(try await shop.get(second.id).sku == "SKU-2")
        #expect(try await shop.get(first.id).sku == "SKU-1")
        await shop.shutdown()
    }

    @Test func updateValidatesAndKnowsUnknownProducts() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let product = try await shop.product("SKU-1", price: 500, category: category.id)
        let unknown = try await shop.shop.request(
            "PATCH", "/products/\(CatalogID.make())", token: shop.admin, json: ["name": "X"])
        #expect(unknown.status == 404)
        let bad = try await shop.shop.request(
            "PATCH", "/products/\(product.id)", token: shop.admin, json: ["currency": "usd", "category_id": "nope"])
        #expect(bad.status == 422)
        #expect(bad.fields == ["currency"])
        let badCategory = try await shop.shop.request(
            "PATCH", "/products/\(product.id)", token: shop.admin, json: ["category_id": CatalogID.make()])
        #expect(badCategory.status == 422)
        #expect(badCategory.fields == ["category_id"])
        let price = await shop.shop.request(
            "PATCH", "/products/\(product.id)", token: shop.admin, body: Array(#"{"price":750,"name":null}"#.utf8))
        #expect(price.status == 200)
        #expect(try await shop.get(product.id).price == 750)
        #expect(try await shop.get(product.id).name == product.name)
        #expect(await shop.shop.request("DELETE", "/products/\(CatalogID.make())", token: shop.admin).status == 404)
        #expect(await shop.shop.request("GET", "/products/not-an-id").status == 404)
        await shop.shutdown()
    }

    @Test func writesNeedAnAdmin() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let product = try await shop.product("SKU-1", category: category.id)
        let writes: [(String, String, String)] = [
            ("POST", "/categories", #"{"name":"X"}"#),
            ("POST", "/products", #"{"sku":"B","name":"B","price":1,"currency":"KES","category_id":"\#(category.id)"}"#),
            ("PATCH", "/products/\(product.id)", #"{"name":"X"}"#),
            ("DELETE", "/products/\(product.id)", ""),
            ("PUT", "/products/\(product.id)/inventory", #"{"on_hand":1}"#),
            ("POST", "/internal/inventory/reserve", #"{"order_id":"o","lines":[]}"#),
            ("POST", "/internal/catalog/lookup", #"{"product_ids":[]}"#),
        ]
        for (method, path, body) in writes {
            let anonymous = await shop.shop.request(method, path, body: Array(body.utf8))
            #expect(anonymous.status == 401, "\(method) \(path)")
            let customer = await shop.shop.request(method, path, token: shop.customer, body: Array(body.utf8))
            #expect(customer.status == 403, "\(method) \(path)")
        }
        // Nothing changed.
        #expect(try await shop.get(product.id) == product)
        #expect(try await shop.list("").items.count == 1)
        await shop.shutdown()
    }

    @Test func inventoryCannotGoBelowWhatIsReserved() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let product = try await shop.product("SKU-1", category: category.id, onHand: 5)
        #expect(try await shop.reserve("order-1", [(product, 3)]).status == 200)

        let set = try await shop.shop.request(
            "PUT", "/products/\(product.id)/inventory", token: shop.admin, json: ["on_hand": 20])
        #expect(set.status == 200)
        let counts = try set.json(InventoryView.self)
        #expect(counts == InventoryView(productID: product.id, onHand: 20, reserved: 3, available: 17))
        #expect(try await shop.available(product) == 17)

        let below = try await shop.shop.request(
            "PUT", "/products/\(product.id)/inventory", token: shop.admin, json: ["on_hand": 2])
        #expect(below.status == 409)
        #expect(below.problem?.code == "stock-reserved")
        #expect(try await shop.available(product) == 17)
        let exactly = try await shop.shop.request(
            "PUT", "/products/\(product.id)/inventory", token: shop.admin, json: ["on_hand": 3])
        #expect(try exactly.json(InventoryView.self).available == 0)
        let fraction = await shop.shop.request(
            "PUT", "/products/\(product.id)/inventory", token: shop.admin, body: Array(#"{"on_hand":2.5}"#.utf8))
        #expect(fraction.status == 422)
        #expect(fraction.fields == ["on_hand"])
        let negative = try await shop.shop.request(
            "PUT", "/products/\(product.id)/inventory", token: shop.admin, json: ["on_hand": -1])
        #expect(negative.status == 422)
        let unknown = try await shop.shop.request(
            "PUT", "/products/\(CatalogID.make())/inventory", token: shop.admin, json: ["on_hand": 1])
        #expect(unknown.status == 404)
        await shop.shutdown()
    }

    @Test func categoriesFormATree() async throws {
        let shop = try await CatalogShop.start()
        let home = try await shop.category("Home & Kitchen")
        #expect(home.slug == "home-kitchen")
        let cookware = try await shop.category("Cookware", parent: home.id)
        _ = try await shop.category("Pans", slug: "pans", parent: cookware.id)
        _ = try await shop.category("Garden")

        let taken = try await shop.shop.request(
            "POST", "/categories", token: shop.admin, json: ["name": "Pans again", "slug": "pans"])
        #expect(taken.status == 409)
        #expect(taken.problem?.code == "slug-taken")
        let orphan = try await shop.shop.request(
            "POST", "/categories", token: shop.admin, json: ["name": "Orphan", "parent_id": CatalogID.make()])
        #expect(orphan.status == 422)
        #expect(orphan.fields == ["parent_id"])
        let badSlug = try await shop.shop.request(
            "POST", "/categories", token: shop.admin, json: ["name": "Bad", "slug": "Not A Slug"])
        #expect(badSlug.fields == ["slug"])
        let noWords = try await shop.shop.request("POST", "/categories", token: shop.admin, json: ["name": "ß—☕"])
        #expect(noWords.status == 422)

        struct Tree: Decodable { var categories: [CategoryNode] }
        let tree = try await shop.shop.request("GET", "/categories").json(Tree.self).categories
        #expect(tree.map(\.slug) == ["garden", "home-kitchen"])
        #expect(tree[1].children.map(\.slug) == ["cookware"])
        #expect(tree[1].children[0].children.map(\.slug) == ["pans"])
        #expect(tree[1].children[0].children[0].parentID == cookware.id)
        await shop.shutdown()
    }

    @Test func lookupReturnsSummariesInTheOrderAsked() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Things")
        let a = try await shop.product(
            "A", price: 100, category: category.id, onHand: 4, images: ["https://i.example/a1.jpg", "https://i.example/a2.jpg"])
        let b = try await shop.product("B", price: 200, category: category.id, onHand: 0)
        #expect(await shop.shop.request("DELETE", "/products/\(b.id)", token: shop.admin).status == 204)
        let response = try await shop.shop.request(
            "POST", "/internal/catalog/lookup", token: shop.service,
            json: ["product_ids": [b.id, "unknown", a.id, a.id]])
        #expect(response.status == 200)
        let products = try response.json(ProductSummaries.self).products
        #expect(
            products == [
                ProductSummary(
                    id: b.id, sku: "B", name: b.name, price: 200, currency: "KES", available: 0, archived: true, imageURL: nil),
                ProductSummary(
                    id: a.id, sku: "A", name: a.name, price: 100, currency: "KES", available: 4, archived: false,
                    imageURL: "https://i.example/a1.jpg"),
            ])
        #expect(response.text.contains(#""image_url":null"#))
        await shop.shutdown()
    }

    @Test func theDemoCatalogLoadsOnceIntoAnEmptyCatalog() async throws {
        let shop = try await CatalogShop.start()
        let inserted = try await DemoCatalog.seed(store: shop.store)
        #expect((45...60).contains(inserted))
        #expect(try await DemoCatalog.seed(store: shop.store) == 0)
        let all = try await shop.walk("sort=name", limit: 100).items
        #expect(all.count == inserted)
        #expect(all.allSatisfy { $0.currency == "KES" && $0.price > 0 && $0.images.count == 1 })
        #expect(all.contains { $0.available == 0 } && all.contains { $0.available > 0 })
        let phones = try await shop.walk("category=phones-tablets", limit: 100).items
        let electronics = try await shop.walk("category=electronics", limit: 100).items
        #expect(!phones.isEmpty)
        #expect(Set(phones.map(\.id)).isSubset(of: Set(electronics.map(\.id))))
        #expect(electronics.count > phones.count)
        #expect(try await shop.list("q=chai").items.contains { $0.sku == "GR-CHAI-MSL" })
        await shop.shutdown()
    }
}
