import SokoStore
import Testing

@Suite("Migrations")
struct MigrationTests {
    static let v1 = Migration(1, "create widgets", ["CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"])
    static let v2 = Migration(2, "widget colour", ["ALTER TABLE widgets ADD COLUMN colour TEXT"])
    static let v3 = Migration(3, "index") { dialect in
        ["CREATE INDEX widgets_name ON widgets (name)"]
    }

    @Test(arguments: StoreKind.available)
    func appliesPendingMigrationsOnceAndRecordsThem(_ kind: StoreKind) async throws {
        let store = try kind.makeStore()
        let first = try await Migrator.migrate(store, migrations: [Self.v1, Self.v2])
        #expect(first == MigrationReport(from: 0, applied: [1, 2], current: 2))
        try await store.execute("INSERT INTO widgets (id, name, colour) VALUES ($1, $2, $3)", [1, "w", "red"])
        let again = try await Migrator.migrate(store, migrations: [Self.v1, Self.v2])
        #expect(again.applied.isEmpty)
        let third = try await Migrator.migrate(store, migrations: [Self.v1, Self.v2, Self.v3])
        #expect(third == MigrationReport(from: 2, applied: [3], current: 3))
        let recorded = try await store.query("SELECT version, name FROM soko_migrations ORDER BY version", [])
        #expect(try recorded.map { try $0.string("name") } == ["create widgets", "widget colour", "index"])
        await store.close()
    }

    @Test(arguments: StoreKind.available)
    func refusesADatabaseAheadOfTheCode(_ kind: StoreKind) async throws {
        let store = try kind.makeStore()
        _ = try await Migrator.migrate(store, migrations: [Self.v1, Self.v2])
        await #expect(throws: StoreError.schemaAhead(database: 2, code: 1)) {
            _ = try await Migrator.migrate(store, migrations: [Self.v1])
        }
        await store.close()
    }

    @Test(arguments: StoreKind.available)
    func aFailingMigrationLeavesNoTrace(_ kind: StoreKind) async throws {
        let store = try kind.makeStore()
        let broken = Migration(2, "broken", ["CREATE TABLE gadgets (id INTEGER PRIMARY KEY)", "THIS IS NOT SQL"])
        await #expect(throws: StoreError.self) { _ = try await Migrator.migrate(store, migrations: [Self.v1, broken]) }
        #expect(try await Migrator.currentVersion(store) == 1)
        // gadgets was rolled back with the failed version.
        await #expect(throws: StoreError.self) { _ = try await store.query("SELECT id FROM gadgets", []) }
        await store.close()
    }

    @Test(arguments: StoreKind.available)
    func replicasMigratingAtOnceApplyEachVersionOnce(_ kind: StoreKind) async throws {
        let name = StoreKind.uniqueName()
        let stores = try (0..<3).map { _ in try kind.makeStore(name: name) }
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for store in stores { group.addTask { try await Migrator.migrate(store, migrations: [Self.v1, Self.v2, Self.v3]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.flatMap(\.applied).sorted() == [1, 2, 3])
        #expect(reports.allSatisfy { $0.current == 3 })
        for store in stores { await store.close() }
    }

    @Test func versionsMustCountUpFromOne() async throws {
        let store = try StoreKind.sqlite.makeStore()
        await #expect(throws: StoreError.self) {
            _ = try await Migrator.migrate(store, migrations: [Self.v2])
        }
        await store.close()
    }
}
