import Glibc
import SokoWorkers

/// The embedded store: one SQLite file per service, used by a pool of worker threads.
///
/// SQLite lets one writer at a time hold the file. Writers of this process take turns on a mutex
/// before they ask SQLite (`execute` and transactions; `query` only reads), so a waiting writer
/// is woken the moment the other commits — instead of sleeping in SQLite's busy handler, which
/// backs off in milliseconds. The busy timeout still arbitrates between processes.
public final class SQLiteStore: Store, @unchecked Sendable {
    public var dialect: SQLDialect { .sqlite }
    public let path: String
    private let pool: WorkerPool<SQLiteConnection>
    private let writer = WriterTurn()

    /// Opens (creating it and its folder if needed) the database at `path` with `poolSize` workers.
    public init(path: String, poolSize: Int = 4) throws {
        self.path = path
        if let slash = path.lastIndex(of: "/") {
            try Self.makeDirectories(String(path[..<slash]))
        }
        pool = try WorkerPool(
            size: poolSize, open: { try SQLiteConnection(path: path) }, close: { $0.close() })
    }

    public func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int {
        let writer = self.writer
        return try await pool.call { connection in try writer.take { try connection.execute(sql, parameters) } }
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row] {
        try await pool.call { try $0.query(sql, parameters) }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        let writer = self.writer
        return try await pool.call { connection in
            try writer.take { try connection.transaction { try body(SQLiteTransaction(connection: $0)) } }
        }
    }

    public func close() async {
        pool.shutdown()
    }

    private static func makeDirectories(_ path: String) throws {
        guard !path.isEmpty else { return }
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw StoreError.connection("cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// The turn of this process's writers on one database file (a mutex, held on a worker thread for
/// one statement or one transaction).
final class WriterTurn: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func take<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// A transaction's view of the connection it holds.
struct SQLiteTransaction: Transaction {
    let connection: SQLiteConnection
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        try connection.execute(sql, parameters)
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row] {
        try connection.query(sql, parameters)
    }
}
