import SokoWorkers

/// A ``Store`` on a PostgreSQL server (the scale-out choice), through a pool of libpq connections.
///
/// Each call takes one pooled connection on a worker thread; a transaction holds its connection
/// from `BEGIN` to `COMMIT`. SQL uses `$1…$n` parameters, PostgreSQL's own.
public final class PostgresStore: Store, Sendable {
    private let pool: WorkerPool<PostgresConnection>

    /// Connects to a PostgreSQL server; one connection is opened here, so a bad URL (or a missing
    /// libpq, loaded by the first store) fails now.
    ///
    /// - Parameters:
    ///   - url: a libpq connection URI, `postgresql://user@host:port/database`.
    ///   - schema: when given, the service's own schema: created when missing and put first on
    ///     every connection's search path. It must match `^[a-z][a-z0-9_]{0,62}$`.
    ///   - poolSize: the number of connections (and worker threads).
    /// - Throws: ``StoreError/connection`` for a bad schema name, an unreachable server or
    ///   refused credentials.
    public init(url: String, schema: String? = nil, poolSize: Int = 4) throws {
        if let schema, !Self.isValidSchemaName(schema) {
            throw StoreError.connection("invalid schema name \"\(schema)\": use ^[a-z][a-z0-9_]{0,62}$")
        }
        try PostgresConnection.loadLibrary()  // a missing libpq fails here, at start, not at a request
        pool = try WorkerPool(
            size: poolSize,
            open: { try PostgresConnection(url: url, schema: schema) },
            close: { $0.close() })
    }

    public var dialect: SQLDialect { .postgres }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int {
        try await pool.call { connection in
            try connection.prepareForCall()
            return try connection.execute(sql, parameters)
        }
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row] {
        try await pool.call { connection in
            try connection.prepareForCall()
            return try connection.query(sql, parameters)
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        try await pool.call { connection in
            try connection.prepareForCall()
            return try PostgresTransaction.run(on: connection, body)
        }
    }

    public func close() async {
        pool.shutdown()
    }

    /// The schema name is spliced into SQL as an identifier (identifiers cannot be bound), so
    /// only plain lower-case names, which need no escaping, are accepted.
    static func isValidSchemaName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= 63
        else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}

/// The statements of one transaction, bound to its connection and valid only inside the body.
private final class PostgresTransaction: Transaction {
    private let connection: PostgresConnection
    private var isOpen = true
    // The first failure, kept because PostgreSQL aborts the whole transaction on any failed
    // statement: if the body catches that error and returns, this is what the caller gets.
    private var firstError: Error?

    private init(connection: PostgresConnection) {
        self.connection = connection
    }

    var dialect: SQLDialect { .postgres }

    /// `BEGIN`, the body, `COMMIT`; `ROLLBACK` and rethrow when the body throws. A body that
    /// swallowed a failed statement cannot commit (PostgreSQL would answer `COMMIT` with a
    /// silent rollback), so it is rolled back and that statement's error is thrown.
    static func run<T>(on connection: PostgresConnection, _ body: (Transaction) throws -> T) throws -> T {
        try connection.execute("BEGIN", [])
        let transaction = PostgresTransaction(connection: connection)
        defer { transaction.isOpen = false }
        let value: T
        do {
            value = try body(transaction)
            if connection.transactionFailed {
                throw transaction.firstError ?? StoreError.database("a statement in the transaction failed")
            }
        } catch {
            _ = try? connection.execute("ROLLBACK", [])  // a lost connection has rolled back already
            throw error
        }
        try connection.execute("COMMIT", [])  // when COMMIT fails, the server has rolled back
        return value
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        try recordingFailure { try connection.execute(sql, parameters) }
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row] {
        try recordingFailure { try connection.query(sql, parameters) }
    }

    private func recordingFailure<T>(_ statement: () throws -> T) throws -> T {
        guard isOpen else { throw StoreError.database("a transaction was used after its body returned") }
        do {
            return try statement()
        } catch {
            if firstError == nil { firstError = error }
            throw error
        }
    }
}
