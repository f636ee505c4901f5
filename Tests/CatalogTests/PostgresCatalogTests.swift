import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Catalog

/// The search and the stock race again, with every store in PostgreSQL (`SOKO_TEST_POSTGRES_URL`,
/// set by scripts/test.sh). Skipped when no server was started, except under CI, where that fails.
@Suite("Catalog on PostgreSQL")
struct PostgresCatalogTests {
    static var url: String? {
        ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A shop whose stores live in a database of its own (each service's schema is named after
    /// the service, so two shops in one database would share tables).
    static func start(_ base: String) async throws -> (CatalogShop, String) {
        let name = "catalog_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresStore(url: base, poolSize: 1)
        // An identifier cannot be bound; the name is ours (letters and digits).
        try await admin.execute("CREATE DATABASE \(name)", [])
        await admin.close()
        guard let slash = base.lastIndex(of: "/") else { throw ShopTestError("no database in \(base)") }
        let url = base[...slash] + name
        var configuration = TestHost.defaultConfiguration()
        configuration.store = StoreConfiguration(backend: .postgres(url: String(url)), poolSize: 8)
        return (try await CatalogShop.start(configuration: configuration), name)
    }

    static func drop(_ name: String, base: String) async {
        guard let admin = try? PostgresStore(url: base, poolSize: 1) else { return }
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", [])
        await admin.close()
    }

    @Test func postgresIsPresentUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(Self.url != nil, "SOKO_TEST_POSTGRES_URL is not set: the PostgreSQL catalog suite did not run")
        }
    }

    @Test(.enabled(if: url != nil)) func searchIsSafeAndMatchesLikeSQLite() async throws {
        let base = try #require(Self.url)
        let (shop, name) = try await Self.start(base)
        try await SearchFixture.check(shop)
        await shop.shutdown()
        await Self.drop(name, base: base)
    }

    @Test(.enabled(if: url != nil)) func fiftyConcurrentReservationsForTenUnits() async throws {
        let base = try #require(Self.url)
        let (shop, name) = try await Self.start(base)
        let category = try await shop.category("Things")
        try await StockRace.run(shop, product: try await shop.product("A", category: category.id, onHand: 10))
        try await StockRace.repeats(shop, product: try await shop.product("B", category: category.id, onHand: 10))
        await shop.shutdown()
        await Self.drop(name, base: base)
    }

    @Test(.enabled(if: url != nil)) func listingAndReservationsWork() async throws {
        let base = try #require(Self.url)
        let (shop, name) = try await Self.start(base)
        #expect(try await DemoCatalog.seed(store: shop.store) > 0)
        let root = try await shop.category("Root")
        let child = try await shop.category("Child", parent: root.id)
        var products: [ProductView] = []
        for index in 0..<9 {
            products.append(
                try await shop.product("P-\(index)", price: 100 * (index % 3 + 1), category: index < 5 ? root.id : child.id))
        }
        for sort in ProductSort.allCases {
            let (items, _) = try await shop.walk("sort=\(sort.rawValue)&category=root", limit: 2)
            #expect(Set(items.map(\.id)) == Set(products.map(\.id)), "\(sort)")
            #expect(items.count == products.count)
        }
        #expect(try await shop.walk("category=child&min_price=200", limit: 100).items.count == 3)
        #expect(try await shop.reserve("o-1", [(products[0], 4), (products[1], 11)]).status == 409)
        #expect(try await shop.available(products[0]) == 10)
        #expect(try await shop.reserve("o-1", [(products[0], 4), (products[1], 1)]).status == 200)
        #expect(try await shop.settle("commit", "o-1").status == 200)
        #expect(try await shop.settle("release", "o-1").text.contains("returned"))
        #expect(try await shop.available(products[0]) == 10)
        #expect(try await DemoCatalog.seed(store: shop.store) == 0)
        #expect(try await shop.list("q=masala&category=groceries").items.map(\.sku) == ["GR-CHAI-MSL"])
        await shop.shutdown()
        await Self.drop(name, base: base)
    }
}
