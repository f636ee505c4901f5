import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Catalog

/// `GET /products`: filters, sort orders, cursor pages and full-text search.
@Suite("Catalog listing")
struct ListingTests {
    /// Kitchen ⊃ Cookware ⊃ Pans, and Garden; 14 products with many equal prices.
    struct Fixture {
        let shop: CatalogShop
        var products: [ProductView] = []
        var kitchen: CategoryNode
        var cookware: CategoryNode
        var pans: CategoryNode
        var garden: CategoryNode

        static func make(_ shop: CatalogShop) async throws -> Fixture {
            let kitchen = try await shop.category("Kitchen")
            let cookware = try await shop.category("Cookware", parent: kitchen.id)
            let pans = try await shop.category("Pans", parent: cookware.id)
            let garden = try await shop.category("Garden")
            var fixture = Fixture(shop: shop, kitchen: kitchen, cookware: cookware, pans: pans, garden: garden)
            let rows: [(String, String, Int, CategoryNode, Int)] = [
                ("K-1", "Kettle", 2500, kitchen, 3), ("K-2", "Knife", 1500, kitchen, 0), ("K-3", "Apron", 1500, kitchen, 5),
                ("C-1", "Pot", 1500, cookware, 1), ("C-2", "Lid", 500, cookware, 0), ("C-3", "Steamer", 2500, cookware, 9),
                ("P-1", "Frying Pan", 1500, pans, 2), ("P-2", "Wok", 3000, pans, 4), ("P-3", "Crepe Pan", 500, pans, 0),
                ("G-1", "Hose", 1500, garden, 7), ("G-2", "Rake", 800, garden, 1), ("G-3", "Spade", 800, garden, 0),
                ("G-4", "Gloves", 1500, garden, 6), ("G-5", "Seeds", 100, garden, 100),
            ]
            for (sku, name, price, category, stock) in rows {
                fixture.products.append(
                    try await shop.product(sku, name: name, price: price, category: category.id, onHand: stock))
            }
            return fixture
        }

        func skus(_ items: [ProductView]) -> [String] { items.map(\.sku) }
    }

    @Test(arguments: ProductSort.allCases, [1, 4, 14])
    func cursorPagesVisitEveryProductOnceInOrder(_ sort: ProductSort, _ limit: Int) async throws {
        let shop = try await CatalogShop.start()
        let fixture = try await Fixture.make(shop)
        let (items, pages) = try await shop.walk("sort=\(sort.rawValue)", limit: limit)
        #expect(items.count == fixture.products.count)
        #expect(Set(items.map(\.id)).count == fixture.products.count)
        #expect(pages == max(1, (fixture.products.count + limit - 1) / limit))
        let expected = fixture.products.sorted { a, b in
            switch sort {
            case .price: (a.price, a.id) < (b.price, b.id)
            case .priceDescending: (a.price, a.id) > (b.price, b.id)
            case .name: (a.name, a.id) < (b.name, b.id)
            case .newest: (a.createdAt, a.id) > (b.createdAt, b.id)
            }
        }
        #expect(items.map(\.id) == expected.map(\.id))
        await shop.shutdown()
    }

    @Test func defaultsAreNewestFirstTwentyAtATime() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Bulk")
        for index in 0..<25 { try await shop.product("B-\(index)", category: category.id) }
        let first = await shop.shop.request("GET", "/products")
        #expect(first.text.contains(#""next_cursor":""#))
        let page = try first.json(Page.self)
        #expect(page.items.count == 20)
        #expect(page.items.map(\.createdAt) == page.items.map(\.createdAt).sorted(by: >))
        let last = try await shop.list("cursor=\(page.nextCursor ?? "")")
        #expect(last.items.count == 5)
        #expect(last.nextCursor == nil)
        // Exactly a page left: that page is the last (no empty page after it).
        let exact = await shop.shop.request("GET", "/products?limit=5&cursor=\(page.nextCursor ?? "")")
        #expect(try exact.json(Page.self).items.count == 5)
        #expect(exact.text.contains(#""next_cursor":null"#))
        await shop.shutdown()
    }

    @Test func filtersCombine() async throws {
        let shop = try await CatalogShop.start()
        let fixture = try await Fixture.make(shop)
        func skus(_ query: String) async throws -> [String] {
            try await shop.walk(query + "&sort=name", limit: 100).items.map(\.sku)
        }
        // A category includes its descendants, by id or slug.
        #expect(
            try await skus("category=\(fixture.kitchen.id)") == ["K-3", "P-3", "P-1", "K-1", "K-2", "C-2", "C-1", "C-3", "P-2"])
        #expect(try await skus("category=cookware") == ["P-3", "P-1", "C-2", "C-1", "C-3", "P-2"])
        #expect(try await skus("category=pans") == ["P-3", "P-1", "P-2"])
        #expect(try await skus("category=no-such-category").isEmpty)
        #expect(
            try await skus("min_price=1500&max_price=2500")
                == ["P-1", "G-4", "G-1", "K-1", "K-2", "C-1", "C-3", "K-3"].sorted {
                    let names = Dictionary(uniqueKeysWithValues: fixture.products.map { ($0.sku, $0.name) })
                    return names[$0]! < names[$1]!
                })
        #expect(try await skus("in_stock=true&category=pans") == ["P-1", "P-2"])
        #expect(try await skus("in_stock=false&category=pans") == ["P-3", "P-1", "P-2"])
        #expect(try await skus("category=garden&max_price=800&in_stock=true") == ["G-2", "G-5"])
        // A reservation takes a product out of stock for the in_stock filter.
        let rake = try #require(fixture.products.first { $0.sku == "G-2" })
        #expect(try await shop.reserve("order-rake", [(rake, 1)]).status == 200)
        #expect(try await skus("category=garden&max_price=800&in_stock=true") == ["G-5"])
        // Archived products never show.
        let seeds = try #require(fixture.products.first { $0.sku == "G-5" })
        #expect(await shop.shop.request("DELETE", "/products/\(seeds.id)", token: shop.admin).status == 204)
        #expect(try await skus("category=garden&max_price=800") == ["G-2", "G-3"])
        #expect(try await shop.walk("sort=price", limit: 4).items.count == fixture.products.count - 1)
        await shop.shutdown()
    }

    @Test(arguments: [
        ("limit=0", 422, "limit"), ("limit=101", 422, "limit"), ("limit=ten", 422, "limit"), ("sort=cheapest", 422, "sort"),
        ("min_price=-1", 422, "min_price"), ("max_price=1.5", 422, "max_price"), ("min_price=10&max_price=5", 422, "max_price"),
        ("in_stock=yes", 422, "in_stock"), ("cursor=not-a-cursor", 400, ""), ("cursor=%22%27%3B--", 400, ""),
        ("cursor=eyJzIjoicHJpY2UiLCJrIjoiYSIsImkiOiJ4In0", 400, ""),
    ])
    func badParametersAreProblems(_ query: String, _ status: Int, _ field: String) async throws {
        let shop = try await CatalogShop.start()
        let response = await shop.shop.request("GET", "/products?\(query)")
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        if field.isEmpty {
            #expect(response.problem?.code == "invalid-cursor")
        } else {
            #expect(response.fields == [field])
        }
        await shop.shutdown()
    }

    @Test func aCursorBelongsToItsSortOrder() async throws {
        let shop = try await CatalogShop.start()
        _ = try await Fixture.make(shop)
        let page = try await shop.list("sort=price&limit=2")
        let cursor = try #require(page.nextCursor)
        #expect(await shop.shop.request("GET", "/products?sort=name&cursor=\(cursor)").status == 400)
        #expect(await shop.shop.request("GET", "/products?sort=-price&cursor=\(cursor)").status == 400)
        #expect(await shop.shop.request("GET", "/products?sort=price&cursor=\(cursor)").status == 200)
        await shop.shutdown()
    }

    @Test func fullTextSearchMatchesWordsAndPrefixes() async throws {
        let shop = try await CatalogShop.start()
        try await SearchFixture.check(shop)
        await shop.shutdown()
    }
}

/// Search behaviour shared by the SQLite and PostgreSQL suites.
enum SearchFixture {
    static func check(_ shop: CatalogShop) async throws {
        let category = try await shop.category("Food")
        let coffee = try await shop.product(
            "COF-AA-250", name: "Kenya AA Coffee Beans", description: "Single-origin arabica from Nyeri, bright and fruity",
            price: 95_000, category: category.id)
        let chai = try await shop.product(
            "TEA-001", name: "Chai Masala Spice Mix", description: "Cardamom, ginger and cinnamon for spiced tea",
            price: 24_000, category: category.id)
        let creme = try await shop.product(
            "PAT-7", name: "Café crème pastries", description: "Ñandú brand, 茶 flavour", price: 50_000, category: category.id)
        let hidden = try await shop.product(
            "COF-OLD", name: "Old Coffee", description: "no longer sold", price: 1_000, category: category.id)
        #expect(await shop.shop.request("DELETE", "/products/\(hidden.id)", token: shop.admin).status == 204)

        func found(_ q: String, _ extra: String = "") async throws -> Set<String> {
            let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
            let response = await shop.shop.request("GET", "/products?q=\(encoded)\(extra)")
            #expect(response.status == 200, "q=\(q): \(response.text)")
            return Set(try response.json(Page.self).items.map(\.sku))
        }
        #expect(try await found("coffee") == [coffee.sku])
        #expect(try await found("COFFEE beans") == [coffee.sku])
        #expect(try await found("cof") == [coffee.sku])  // prefixes match (search as you type)
        #expect(try await found("nyeri arabica") == [coffee.sku])  // description words, any order
        #expect(try await found("tea-001") == [chai.sku])  // the SKU
        #expect(try await found("spice") == [chai.sku])
        #expect(try await found("coffee chai").isEmpty)  // every word must match
        #expect(try await found("café") == [creme.sku])
        #expect(try await found("ñandú") == [creme.sku])
        #expect(try await found("茶") == [creme.sku])
        #expect(try await found("coffee", "&max_price=50000").isEmpty)
        #expect(try await found("\"coffee") == [coffee.sku])
        #expect(try await found("coffee*") == [coffee.sku])
        #expect(try await found("coffee AND") == [coffee.sku])
        // Operators and stray syntax are just text: never an error.
        for hostile in [
            "\"", "*", "NEAR(", "NEAR(coffee chai, 2)", "AND", "OR", "NOT coffee", "coffee OR chai", "(", ")", "^coffee",
            "name:coffee", "{name}: coffee", "'", "''; DROP TABLE products; --", "\\", "!&|:*<->", "☕", "🇰🇪 coffee",
            String(repeating: "a ", count: 100),
        ] {
            _ = try await found(hostile)
        }
        #expect(try await found("NOT coffee").isEmpty)  // "not" is a word no product has
        let long = await shop.shop.request("GET", "/products?q=\(String(repeating: "a", count: 201))")
        #expect(long.status == 422)
        #expect(long.fields == ["q"])
        // An update re-indexes the product, in the same transaction.
        let renamed = try await shop.shop.request(
            "PATCH", "/products/\(chai.id)", token: shop.admin, json: ["name": "Ginger Tea Blend"])
        #expect(renamed.status == 200)
        #expect(try await found("masala").isEmpty)
        #expect(try await found("ginger blend") == [chai.sku])
    }
}
