/// The SQL dialect behind a store, for the few statements that differ.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// A service's database. Every bundle gets one; no bundle reads another's.
///
/// SQL uses PostgreSQL-style numbered parameters (`$1`, `$2`, …) in both dialects, and every value
/// is bound, never spliced. Calls run on the store's worker threads, never on a loop thread; a
/// transaction's body runs there synchronously with one connection held, so it cannot `await`
/// (and so cannot call a remote service mid-transaction).
public protocol Store: Sendable {
    var dialect: SQLDialect { get }

    /// Runs one statement; returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int

    /// Runs one query; returns its rows.
    func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row]

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T

    /// Closes every connection; later calls throw ``StoreError/closed``.
    func close() async
}

extension Store {
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLValue...) async throws -> Int {
        try await execute(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: SQLValue...) async throws -> [Row] {
        try await query(sql, parameters)
    }
}

/// The statements available inside ``Store/transaction(_:)``.
public protocol Transaction {
    var dialect: SQLDialect { get }
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row]
}

extension Transaction {
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLValue...) throws -> Int {
        try execute(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: SQLValue...) throws -> [Row] {
        try query(sql, parameters)
    }
}

/// Why a store call failed.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// A unique or primary-key constraint refused the row (the idempotency and "taken" signal).
    case uniqueViolation(String)
    /// A foreign-key or check constraint refused the row.
    case constraintViolation(String)
    /// The database was busy past the busy timeout, or a serialization conflict.
    case busy(String)
    /// Anything else the database said (the SQL is the caller's bug, or the server failed).
    case database(String)
    /// A column did not hold the kind of value asked for.
    case type(column: String, expected: String)
    /// The store could not be opened or reached.
    case connection(String)
    /// The database has migrations newer than this code knows.
    case schemaAhead(database: Int, code: Int)
    case closed
    /// A value the database cannot hold (text with a NUL character, for PostgreSQL): the input's
    /// fault, not the server's.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .uniqueViolation(let m): "unique constraint: \(m)"
        case .constraintViolation(let m): "constraint: \(m)"
        case .busy(let m): "busy: \(m)"
        case .database(let m): "database: \(m)"
        case .type(let column, let expected): "column \(column) is not \(expected)"
        case .connection(let m): "cannot connect: \(m)"
        case .schemaAhead(let database, let code):
            "the database is at migration \(database) but this code knows only up to \(code); refusing to run"
        case .closed: "the store is closed"
        case .invalidValue(let m): "invalid value: \(m)"
        }
    }
}
