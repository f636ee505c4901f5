import Foundation
import ShopTesting
import SokoFunctions
import SokoStore
import Testing

@testable import Orders

/// Orders migration 6 rebuilds `order_lines` keyed by (order, product, variant): the rows placed
/// before it stay, and two variants of one product then fit in one order — in both dialects.
@Suite("order_lines per variant")
struct OrderLineMigrationTests {
    static func run(_ store: Store) async throws {
        for statement in HostTables.statements(for: store.dialect) { _ = try await store.execute(statement, []) }
        let before = Array(OrdersSchema.migrations.prefix { $0.name != "order lines per variant" })
        _ = try await Migrator.migrate(store, migrations: before)
        try await store.execute(
            """
            INSERT INTO order_lines (order_id, product_id, position, sku, name, unit_price, quantity, line_total)
            VALUES ('o-1', 'p-1', 0, 'KETTLE', 'Kettle', 2500, 2, 5000)
            """, [])
        let report = try await Migrator.migrate(store, migrations: OrdersSchema.migrations)
        #expect(report.applied.count == OrdersSchema.migrations.count - before.count)

        let kept = try #require(try await store.query("SELECT * FROM order_lines WHERE order_id = 'o-1'", []).first)
        #expect(try kept.string("sku") == "KETTLE" && kept.int("line_total") == 5000 && kept.int("quantity") == 2)
        #expect(try kept.string("variant_id") == "" && kept.string("option_text") == nil)
        for variant in ["v-40", "v-42"] {
            try await store.execute(
                """
                INSERT INTO order_lines (order_id, product_id, variant_id, position, sku, name, unit_price, quantity, line_total)
                VALUES ('o-2', 'p-1', $1, 0, $1, 'Sandals', 100, 1, 100)
                """, [.text(variant)])
        }
        #expect(try await store.query("SELECT COUNT(*) AS n FROM order_lines WHERE order_id = 'o-2'", []).first?.int("n") == 2)
        // The same product and variant twice in an order is still refused.
        await #expect(throws: StoreError.self) {
            try await store.execute(
                """
                INSERT INTO order_lines (order_id, product_id, variant_id, position, sku, name, unit_price, quantity, line_total)
                VALUES ('o-2', 'p-1', 'v-40', 1, 'x', 'x', 1, 1, 1)
                """, [])
        }
        await store.close()
    }

    @Test func theRebuildKeepsTheRowsOnSQLite() async throws {
        try await Self.run(
            try SQLiteStore(path: NSTemporaryDirectory() + "soko-order-lines-\(UUID().uuidString).sqlite"))
    }

    @Test(.enabled(if: ShopHost.postgresURL != nil)) func theRebuildKeepsTheRowsOnPostgres() async throws {
        try await Self.run(
            try PostgresStore(url: ShopHost.postgresURL!, schema: "order_lines_" + UUID().uuidString.prefix(8).lowercased()))
    }
}
