/// One versioned schema change of a bundle. Versions start at 1 and go up by one.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The statements for a dialect, run in one transaction with the version's record.
    public let statements: @Sendable (SQLDialect) -> [String]

    /// A migration whose SQL is the same in both dialects.
    public init(_ version: Int, _ name: String, _ statements: [String]) {
        self.version = version
        self.name = name
        self.statements = { _ in statements }
    }

    /// A migration whose SQL differs per dialect (say `INTEGER PRIMARY KEY` against `BIGSERIAL`).
    public init(_ version: Int, _ name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// What a migration run did.
public struct MigrationReport: Sendable, Equatable {
    /// The version the database was at before.
    public var from: Int
    /// The versions applied now, in order.
    public var applied: [Int]
    /// The version the database is at after.
    public var current: Int

    public init(from: Int, applied: [Int], current: Int) {
        self.from = from
        self.applied = applied
        self.current = current
    }
}

/// Applies a bundle's migrations, records them in `soko_migrations`, and refuses to run when the
/// database is ahead of the code (a rollback of the code must not meet a newer schema silently).
public enum Migrator {
    /// The PostgreSQL advisory lock every schema change of a store takes (migrations, the host's
    /// own tables), so replicas starting together take turns instead of racing in the catalog.
    public static let advisoryLockKey: Int64 = 7_405_001

    public static func migrate(_ store: Store, migrations: [Migration]) async throws -> MigrationReport {
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw StoreError.database(
                "migration \"\(migration.name)\" has version \(migration.version); versions must be 1, 2, 3, … in order")
        }
        // PostgreSQL's IF NOT EXISTS is not safe against a concurrent creator (the loser fails on
        // the catalog's unique index), so replicas starting together take turns on the lock.
        try await store.transaction { transaction in
            if transaction.dialect == .postgres {
                try transaction.query("SELECT pg_advisory_xact_lock($1)", [.integer(advisoryLockKey)])
            }
            try transaction.execute(
                "CREATE TABLE IF NOT EXISTS soko_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                [])
        }
        let from = try await currentVersion(store)
        let latest = migrations.count
        if from > latest { throw StoreError.schemaAhead(database: from, code: latest) }
        var applied: [Int] = []
        for migration in migrations where migration.version > from {
            // Replicas starting together take turns: SQLite's BEGIN IMMEDIATE and PostgreSQL's
            // transaction-scoped advisory lock serialise them, and the loser sees the version
            // already recorded and skips it.
            let didApply = try await store.transaction { transaction -> Bool in
                if transaction.dialect == .postgres {
                    try transaction.query("SELECT pg_advisory_xact_lock($1)", [.integer(advisoryLockKey)])
                }
                let done = try transaction.query(
                    "SELECT version FROM soko_migrations WHERE version = $1", [.integer(Int64(migration.version))])
                guard done.isEmpty else { return false }
                for statement in migration.statements(transaction.dialect) { try transaction.execute(statement, []) }
                try transaction.execute(
                    "INSERT INTO soko_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(Timestamp.now())])
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return MigrationReport(from: from, applied: applied, current: try await currentVersion(store))
    }

    /// The highest version recorded (0 for a new database).
    public static func currentVersion(_ store: Store) async throws -> Int {
        let rows = try await store.query("SELECT MAX(version) AS version FROM soko_migrations", [])
        return try rows.first?.int("version") ?? 0
    }
}
