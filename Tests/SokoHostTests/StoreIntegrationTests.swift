import Foundation
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

/// A bundle that keeps data: migrated at start, its handlers reach their store through the context.
enum LedgerBundle: FunctionBundle {
    static let service = "ledger"

    struct Entry: Codable, Sendable, Equatable {
        var memo: String
        var amount: Int
    }

    static let migrations = [
        Migration(1, "entries", ["CREATE TABLE entries (id INTEGER PRIMARY KEY, memo TEXT NOT NULL, amount BIGINT NOT NULL)"])
    ]

    static func register(_ registry: inout FunctionRegistry) {
        registry.typed("addEntry") { (entry: Entry, context) in
            try await context.store.execute(
                "INSERT INTO entries (memo, amount) VALUES ($1, $2)", [.text(entry.memo), .integer(Int64(entry.amount))])
            return Reply.created(entry)
        }
        registry.typed("listEntries") { (_: NoInput, context) -> [Entry] in
            try await context.store.query("SELECT memo, amount FROM entries ORDER BY id", []).map {
                Entry(memo: try $0.string("memo") ?? "", amount: try $0.int("amount") ?? 0)
            }
        }
    }

    static let manifest = """
        service: ledger
        functions:
          addEntry:
            http: POST /entries
            auth: public
          listEntries:
            http: GET /entries
            auth: public
        """
}

@Suite("Stores in the host")
struct StoreIntegrationTests {
    @Test func aBundleWithMigrationsGetsAMigratedStore() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-ledger-\(UUID().uuidString)").path
        let configuration = HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
        let host = try await TestHost(
            bundles: [LedgerBundle.self], manifests: ["ledger.yaml": LedgerBundle.manifest], configuration: configuration)
        let created = try await host.request("POST", "/entries", json: LedgerBundle.Entry(memo: "rent", amount: 1200))
        #expect(created.status == 201)
        _ = try await host.request("POST", "/entries", json: LedgerBundle.Entry(memo: "tea", amount: 3))
        let listed = try await host.request("GET", "/entries").json([LedgerBundle.Entry].self)
        #expect(listed == [.init(memo: "rent", amount: 1200), .init(memo: "tea", amount: 3)])
        #expect(await host.shutdown())
        #expect(FileManager.default.fileExists(atPath: folder + "/ledger.sqlite"))

        // The data outlives the process; a restart finds the schema current and the rows there.
        let again = try await TestHost(
            bundles: [LedgerBundle.self], manifests: ["ledger.yaml": LedgerBundle.manifest], configuration: configuration)
        #expect(try await again.request("GET", "/entries").json([LedgerBundle.Entry].self).count == 2)
        #expect(await again.shutdown())
    }

    @Test func startupRefusesAStoreAheadOfTheCode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-ahead-\(UUID().uuidString)").path
        let store = try SQLiteStore(path: folder + "/ledger.sqlite")
        _ = try await Migrator.migrate(
            store, migrations: LedgerBundle.migrations + [Migration(2, "from the future", ["CREATE TABLE later (id INTEGER)"])])
        await store.close()
        let configuration = HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
        await #expect(throws: StoreError.schemaAhead(database: 2, code: 1)) {
            _ = try await TestHost(
                bundles: [LedgerBundle.self], manifests: ["ledger.yaml": LedgerBundle.manifest], configuration: configuration)
        }
    }
}
