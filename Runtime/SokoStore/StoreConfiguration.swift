#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where each service's store lives, read once from the environment at start.
///
/// - `SOKO_DATABASE_URL` (a PostgreSQL URI): every service gets its own schema in that database,
///   named after the service, after `SOKO_DATABASE_SCHEMA_PREFIX` if set (several shops in one
///   database).
/// - otherwise SQLite, one file per service: `$SOKO_DATA/<service>.sqlite` (`SOKO_DATA` defaults
///   to `./data`).
/// - `SOKO_STORE_POOL`: worker threads (connections) per service store, default 4.
public struct StoreConfiguration: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case sqlite(directory: String)
        /// `schemaPrefix` goes before each service's schema name (several shops, or several
        /// tests, in one database).
        case postgres(url: String, schemaPrefix: String = "")
    }

    public var backend: Backend
    public var poolSize: Int

    public init(backend: Backend = .sqlite(directory: "data"), poolSize: Int = 4) {
        self.backend = backend
        self.poolSize = poolSize
    }

    public static func fromEnvironment(_ environment: [String: String]) throws -> StoreConfiguration {
        var configuration = StoreConfiguration()
        // The URL carries the password: it may come from a file (a Kubernetes or compose secret).
        var fromFile: String?
        if let path = environment["SOKO_DATABASE_URL_FILE"], !path.isEmpty {
            // A missing secret must not quietly become a local SQLite file.
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw StoreError.connection("SOKO_DATABASE_URL_FILE=\(path) cannot be read")
            }
            // Without the whitespace and newlines around it (an editor's trailing newline).
            fromFile = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        if let url = environment["SOKO_DATABASE_URL"] ?? fromFile, !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw StoreError.connection("SOKO_DATABASE_URL must be a postgresql:// URL")
            }
            let prefix = environment["SOKO_DATABASE_SCHEMA_PREFIX"] ?? ""
            guard prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw StoreError.connection("SOKO_DATABASE_SCHEMA_PREFIX may hold only letters, digits and _")
            }
            configuration.backend = .postgres(url: url, schemaPrefix: prefix)
        } else if let directory = environment["SOKO_DATA"], !directory.isEmpty {
            configuration.backend = .sqlite(directory: directory)
        }
        if let text = environment["SOKO_STORE_POOL"] {
            guard let size = Int(text), (1...64).contains(size) else {
                throw StoreError.connection("SOKO_STORE_POOL=\"\(text)\" must be an integer in 1...64")
            }
            configuration.poolSize = size
        }
        return configuration
    }

    /// Opens `service`'s store: its SQLite file, or its schema (`-` becomes `_`) in PostgreSQL.
    public func open(service: String) throws -> Store {
        switch backend {
        case .sqlite(let directory):
            return try SQLiteStore(path: "\(directory)/\(service).sqlite", poolSize: poolSize)
        case .postgres(let url, let prefix):
            return try PostgresStore(
                url: url, schema: prefix + service.replacingOccurrences(of: "-", with: "_"), poolSize: poolSize)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
