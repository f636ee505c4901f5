import Foundation
import ShopTesting
import SokoFunctions
import SokoStore
import Testing

@testable import Cart

/// Cart migration 2 rebuilds `cart_items` keyed by (cart, product, variant): the lines held
/// before it stay, and two variants of one product are then two lines — in both dialects.
@Suite("cart_items per variant")
struct CartLineMigrationTests {
    static func run(_ store: Store) async throws {
        for statement in HostTables.statements(for: store.dialect) { _ = try await store.execute(statement, []) }
        _ = try await Migrator.migrate(store, migrations: Array(CartSchema.migrations.prefix(1)))
        try await store.execute(
            "INSERT INTO cart_items (cart_id, product_id, quantity, seq, added_at) VALUES ('c-1', 'p-1', 3, 1, 'now')", [])
        _ = try await Migrator.migrate(store, migrations: CartSchema.migrations)

        let kept = try #require(try await store.query("SELECT * FROM cart_items WHERE cart_id = 'c-1'", []).first)
        #expect(try kept.int("quantity") == 3 && kept.int("seq") == 1 && kept.string("variant_id") == "")
        for (seq, variant) in ["v-40", "v-42"].enumerated() {
            try await store.execute(
                "INSERT INTO cart_items (cart_id, product_id, variant_id, quantity, seq, added_at) VALUES ('c-2', 'p-1', $1, 1, $2, 'now')",
                [.text(variant), .integer(Int64(seq))])
        }
        #expect(try await store.query("SELECT COUNT(*) AS n FROM cart_items WHERE cart_id = 'c-2'", []).first?.int("n") == 2)
        await #expect(throws: StoreError.self) {
            try await store.execute(
                "INSERT INTO cart_items (cart_id, product_id, variant_id, quantity, seq, added_at) VALUES ('c-2', 'p-1', 'v-40', 1, 9, 'now')",
                [])
        }
        await store.close()
    }

    @Test func theRebuildKeepsTheLinesOnSQLite() async throws {
        try await Self.run(try SQLiteStore(path: NSTemporaryDirectory() + "soko-cart-lines-\(UUID().uuidString).sqlite"))
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func theRebuildKeepsTheLinesOnPostgres() async throws {
        try await Self.run(
            try PostgresStore(url: ShopHost.postgresURL!, schema: "cart_lines_" + UUID().uuidString.prefix(8).lowercased()))
    }
}
