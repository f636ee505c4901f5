import Logging
import SokoFunctions
import SokoStore

/// The stores of the services one process serves: opened and migrated before the host reports
/// ready, closed after its loops stop. A service whose bundle declares no migrations has none.
public final class ServiceStores: Sendable {
    private let stores: [String: OutboxStore]
    /// What each service's migration run did, by service.
    public let reports: [String: MigrationReport]

    init(stores: [String: OutboxStore], reports: [String: MigrationReport]) {
        self.stores = stores
        self.reports = reports
    }

    /// An empty set (nothing opened yet).
    static let none = ServiceStores(stores: [:], reports: [:])

    /// Opens the store of every service in `services` whose bundle has migrations, and migrates it.
    /// Throws (closing what was opened) when a store cannot be opened or is ahead of the code.
    public static func open(
        migrations: [String: [Migration]], services: Set<String>, configuration: StoreConfiguration
    ) async throws -> ServiceStores {
        var stores: [String: OutboxStore] = [:]
        var reports: [String: MigrationReport] = [:]
        do {
            for service in services.sorted() {
                guard let steps = migrations[service], !steps.isEmpty else { continue }
                let store = try configuration.open(service: service)
                stores[service] = OutboxStore(store)
                reports[service] = try await Migrator.migrate(store, migrations: steps)
                try await createHostTables(store)
                Logger(label: "soko.store").info(
                    "store ready",
                    metadata: [
                        "service": "\(service)", "migrations_applied": "\(reports[service]!.applied.count)",
                        "schema_version": "\(reports[service]!.current)",
                    ])
            }
        } catch {
            for store in stores.values { await store.close() }
            throw error
        }
        return ServiceStores(stores: stores, reports: reports)
    }

    /// Tables the host keeps in every service's store: schedule claims, the outbox, deliveries and
    /// dead letters, processed event ids, leases.
    ///
    /// Units sharing a schema (`catalog` and `catalog-get-product`) start at the same instant, and
    /// PostgreSQL's `CREATE … IF NOT EXISTS` is not atomic: the loser fails on the catalog's
    /// `pg_type`/`pg_class` unique index ("relation already exists", 42P07/23505). So the
    /// statements run in one transaction under the advisory lock the migrations take
    /// (``Migrator/advisoryLockKey``): the second creator waits, then finds everything there.
    static func createHostTables(_ store: Store) async throws {
        let statements = HostTables.statements(for: store.dialect)
        try await store.transaction { transaction in
            if transaction.dialect == .postgres {
                try transaction.query("SELECT pg_advisory_xact_lock($1)", [.integer(Migrator.advisoryLockKey)])
            }
            for statement in statements { try transaction.execute(statement, []) }
        }
    }

    /// The service's store, or a ``NoStore`` that refuses every call.
    public func store(for service: String) -> Store {
        stores[service] ?? NoStore()
    }

    /// The services that have a store, in name order.
    public var services: [String] { stores.keys.sorted() }

    /// The services with a store, and their stores (as handlers see them).
    var all: [(service: String, store: OutboxStore)] { stores.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }

    public func close() async {
        for store in stores.values { await store.close() }
    }
}
