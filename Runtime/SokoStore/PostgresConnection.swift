internal import CPostgres

/// One libpq connection, used by one worker thread of a ``PostgresStore`` at a time.
///
/// libpq's calls here are synchronous (they block on the socket), which is why a connection
/// lives only on a `WorkerPool` thread. This is the one place libpq's results and errors are
/// translated into ``SQLValue``, ``Row`` and ``StoreError``.
final class PostgresConnection {
    private let connection: OpaquePointer
    private let schema: String?

    /// Connects to `url` (a libpq URI); with a `schema` (already validated by the caller),
    /// creates it when missing and makes it the search path. Throws ``StoreError/connection``.
    init(url: String, schema: String?) throws {
        try Self.loadLibrary()
        guard let connection = soko_PQconnectdb(url) else { throw StoreError.connection("libpq is out of memory") }
        self.connection = connection
        self.schema = schema
        guard soko_PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(connection)
            soko_PQfinish(connection)
            throw StoreError.connection(message)
        }
        // Notices ("relation already exists, skipping") would go to stderr by default.
        soko_PQsetNoticeProcessor(connection, { _, _ in }, nil)
        do {
            if let schema {
                do {
                    try execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"", [])
                } catch StoreError.uniqueViolation {
                    // Two stores creating the same schema at once: IF NOT EXISTS is not atomic
                    // in PostgreSQL, the loser hits the catalog's unique index. The schema exists.
                }
            }
            try useSchema()
        } catch {
            soko_PQfinish(connection)
            throw StoreError.connection("setting up schema \(schema ?? ""): \(error)")
        }
    }

    /// Loads libpq (dlopen, once per process) or throws ``StoreError/connection`` saying which
    /// package to install: the first PostgreSQL store of a process, at start, is where that shows.
    static func loadLibrary() throws {
        if let failure = soko_pq_load() { throw StoreError.connection(String(cString: failure)) }
    }

    func close() {
        soko_PQfinish(connection)
    }

    /// Makes the connection fit for the next call: reconnects once when it is broken (a server
    /// restart, a dropped socket), and ends a transaction a misbehaving caller left open, so
    /// one caller's state never leaks into the next caller's statements.
    func prepareForCall() throws {
        if soko_PQstatus(connection) == CONNECTION_BAD {
            soko_PQreset(connection)
            guard soko_PQstatus(connection) == CONNECTION_OK else {
                throw StoreError.connection(Self.errorMessage(connection))
            }
            try useSchema()  // the search path is session state, lost with the old session
        }
        if soko_PQtransactionStatus(connection) != PQTRANS_IDLE {
            try execute("ROLLBACK", [])
        }
    }

    /// Whether a statement failed inside the current transaction, so it can only roll back.
    var transactionFailed: Bool { soko_PQtransactionStatus(connection) == PQTRANS_INERROR }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        try run(sql, parameters) { result in
            guard let tuples = soko_PQcmdTuples(result) else { return 0 }
            return Int(String(cString: tuples)) ?? 0  // empty for commands that count no rows
        }
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row] {
        try run(sql, parameters) { result in PostgresResultReader.rows(of: result) }
    }

    private func useSchema() throws {
        if let schema { try execute("SET search_path TO \"\(schema)\"", []) }
    }

    /// Runs one statement with bound parameters and hands its result to `read`; the result is
    /// always cleared. Failures are mapped to ``StoreError`` here and only here.
    private func run<T>(_ sql: String, _ parameters: [SQLValue], _ read: (OpaquePointer) throws -> T) throws -> T {
        let bound = try PostgresParameters(parameters)
        let result = bound.withPointers { types, values, lengths, formats in
            soko_PQexecParams(connection, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        guard let result else { throw StoreError.connection(Self.errorMessage(connection)) }
        defer { soko_PQclear(result) }
        switch soko_PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return try read(result)
        default:
            throw error(of: result)
        }
    }

    /// Maps a failed result by SQLSTATE; a lost connection has none and becomes `.connection`.
    private func error(of result: OpaquePointer) -> StoreError {
        // libpq's PG_DIAG_* are character macros ('C', 'M'), which Swift does not import.
        func field(_ code: Unicode.Scalar) -> String? {
            soko_PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
        }
        let message = field("M") ?? Self.errorMessage(connection)  // PG_DIAG_MESSAGE_PRIMARY
        let sqlState: String? = field("C")  // PG_DIAG_SQLSTATE
        switch sqlState {
        case "23505": return .uniqueViolation(message)
        case "23503", "23514", "23502": return .constraintViolation(message)
        case "40001", "40P01", "55P03": return .busy(message)
        case nil where soko_PQstatus(connection) == CONNECTION_BAD: return .connection(message)
        default: return .database(message)
        }
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let message = soko_PQerrorMessage(connection) else { return "unknown libpq error" }
        let text = String(cString: message)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// A statement's parameters in libpq's shape: one byte buffer, offsets into it, lengths, formats.
///
/// Values go as text (the server infers each parameter's type from the statement, as it does for
/// untyped literals), except blobs: those go in binary and are declared `bytea`, so their bytes
/// are never read as text in some encoding.
private struct PostgresParameters {
    private static let byteaOID: Oid = 17
    private var bytes: [UInt8] = []
    private var offsets: [Int?] = []  // nil: SQL NULL
    private var types: [Oid] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []

    init(_ parameters: [SQLValue]) throws {
        for (index, parameter) in parameters.enumerated() {
            switch parameter {
            case .null: appendNull()
            case .integer(let value): appendText(String(value).utf8)
            case .real(let value): appendText("\(value)".utf8)  // shortest text that reads back exactly
            case .text(let value):
                // Text parameters are NUL-terminated C strings; PostgreSQL text cannot hold NUL anyway.
                guard !value.utf8.contains(0) else {
                    throw StoreError.invalidValue("parameter $\(index + 1) contains a NUL character")
                }
                appendText(value.utf8)
            case .blob(let value): appendBlob(value)
            }
        }
        bytes.append(0)  // never empty, so the buffer always has a base address
    }

    private mutating func appendNull() {
        offsets.append(nil)
        types.append(0)
        lengths.append(0)
        formats.append(0)
    }

    private mutating func appendText(_ utf8: some Collection<UInt8>) {
        offsets.append(bytes.count)
        bytes.append(contentsOf: utf8)
        bytes.append(0)
        types.append(0)  // 0: let the server infer the type
        lengths.append(0)  // ignored for text parameters
        formats.append(0)
    }

    private mutating func appendBlob(_ blob: [UInt8]) {
        offsets.append(bytes.count)
        bytes.append(contentsOf: blob)
        types.append(Self.byteaOID)
        lengths.append(Int32(blob.count))
        formats.append(1)
    }

    /// Calls `body` with pointers valid only for the call's duration.
    func withPointers<T>(
        _ body: (
            UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) -> T
    ) -> T {
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { base + $0 } }
            return body(types, values, lengths, formats)
        }
    }
}

/// Turns a text-format result into rows, choosing each value's kind by the column's type OID.
private enum PostgresResultReader {
    static func rows(of result: OpaquePointer) -> [Row] {
        let columnCount = soko_PQnfields(result)
        let rowCount = soko_PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: soko_PQfname(result, $0)) }
        let types = (0..<columnCount).map { soko_PQftype(result, $0) }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            let values = (0..<columnCount).map { column in
                soko_PQgetisnull(result, row, column) == 1
                    ? SQLValue.null
                    : value(soko_PQgetvalue(result, row, column), type: types[Int(column)])
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }

    private static func value(_ text: UnsafePointer<CChar>, type: Oid) -> SQLValue {
        switch type {
        case 16:  // bool: 't' or 'f'; booleans are integers 0/1 in this API
            return .integer(text.pointee == UInt8(ascii: "t") ? 1 : 0)
        case 20, 21, 23, 26:  // int8, int2, int4, oid
            let string = String(cString: text)
            return Int64(string).map { .integer($0) } ?? .text(string)
        case 700, 701, 1700:  // float4, float8, numeric (numeric loses digits beyond a Double's)
            let string = String(cString: text)
            return Double(string).map { .real($0) } ?? .text(string)
        case 17:  // bytea, as `\x` hex text (or the old escape format: libpq reads both)
            var length = 0
            guard let bytes = soko_PQunescapeBytea(UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), &length)
            else { return .blob([]) }
            defer { soko_PQfreemem(bytes) }
            return .blob(Array(UnsafeBufferPointer(start: bytes, count: length)))
        default:
            return .text(String(cString: text))
        }
    }
}
