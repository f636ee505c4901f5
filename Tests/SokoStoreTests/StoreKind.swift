import Foundation
import SokoStore
import Testing

/// The stores every suite runs against: SQLite always, PostgreSQL when the test command started
/// a server (`SOKO_TEST_POSTGRES_URL`, set by scripts/test.sh).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A fresh database name (SQLite file or PostgreSQL schema); pass it to `makeStore(name:)`
    /// twice for two stores on the same database.
    static func uniqueName() -> String {
        "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }

    static var available: [StoreKind] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A fresh, empty store: a new SQLite file, or a new schema in the test database.
    func makeStore(poolSize: Int = 4, name: String? = nil) throws -> Store {
        let unique = name ?? Self.uniqueName()
        switch self {
        case .sqlite:
            return try SQLiteStore(path: NSTemporaryDirectory() + "soko-store-tests/\(unique).sqlite", poolSize: poolSize)
        case .postgres:
            return try PostgresStore(url: Self.postgresURL!, schema: unique, poolSize: poolSize)
        }
    }
}
