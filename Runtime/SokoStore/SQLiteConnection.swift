internal import CSQLite
import Glibc

/// One SQLite connection, owned by one worker thread: WAL, a busy timeout, foreign keys on, and a
/// cache of prepared statements keyed by SQL text.
final class SQLiteConnection {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the database file at `path`.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError.connection("\(path): \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        do {
            try exec("PRAGMA journal_mode = WAL")
            try exec("PRAGMA foreign_keys = ON")
            try exec("PRAGMA synchronous = NORMAL")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// Runs one statement; returns the rows it changed.
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        let statement = try prepare(sql, parameters)
        defer { finish(statement) }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            if status != SQLITE_ROW { throw error(status) }
        }
        return Int(sqlite3_changes(db))
    }

    /// Runs one query; returns every row.
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row] {
        let statement = try prepare(sql, parameters)
        defer { finish(statement) }
        let count = sqlite3_column_count(statement)
        let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [Row] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status) }
            rows.append(Row(columns: columns, values: (0..<count).map { value(statement, $0) }))
        }
        return rows
    }

    /// Runs `body` between `BEGIN IMMEDIATE` (the write lock is taken up front, so two writers
    /// wait on the busy timeout instead of failing on a lock upgrade) and `COMMIT`/`ROLLBACK`.
    func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try exec("BEGIN IMMEDIATE")
        do {
            let result = try body(self)
            try exec("COMMIT")
            return result
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }

    private func exec(_ sql: String) throws {
        let status = sqlite3_exec(db, sql, nil, nil, nil)
        if status != SQLITE_OK { throw error(status) }
    }

    // MARK: Statements

    private func prepare(_ sql: String, _ parameters: [SQLValue]) throws -> OpaquePointer {
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            let status = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard status == SQLITE_OK, let prepared else { throw error(status) }
            statements[sql] = prepared
            statement = prepared
        }
        try bind(parameters, to: statement)
        return statement
    }

    /// Binds `$1…$n` by name (so SQL text is shared with PostgreSQL); `?` placeholders by position.
    private func bind(_ parameters: [SQLValue], to statement: OpaquePointer) throws {
        let declared = Int(sqlite3_bind_parameter_count(statement))
        guard declared == parameters.count || declared == 0 && parameters.isEmpty else {
            finish(statement)
            throw StoreError.database("the statement takes \(declared) parameters, \(parameters.count) given")
        }
        for (offset, value) in parameters.enumerated() {
            var index = sqlite3_bind_parameter_index(statement, "$\(offset + 1)")
            if index == 0 { index = Int32(offset + 1) }
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let v): status = sqlite3_bind_int64(statement, index, v)
            case .real(let v): status = sqlite3_bind_double(statement, index, v)
            case .text(let v): status = sqlite3_bind_text(statement, index, v, -1, SQLiteConnection.transient)
            case .blob(let v):
                status = v.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLiteConnection.transient)
                }
            }
            if status != SQLITE_OK {
                finish(statement)
                throw error(status)
            }
        }
    }

    private func finish(_ statement: OpaquePointer) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            return .text(String(cString: sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// SQLite copies bound text and blobs (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Maps an SQLite result code to the store's errors (one translation point for SQLite).
    private func error(_ status: Int32) -> StoreError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(status)"
        // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY are macros Swift cannot import: (19 | 8<<8), (19 | 6<<8).
        switch status {
        case 2067, 1555: return .uniqueViolation(message)
        case _ where status & 0xFF == SQLITE_CONSTRAINT: return .constraintViolation(message)
        case _ where status & 0xFF == SQLITE_BUSY || status & 0xFF == SQLITE_LOCKED: return .busy(message)
        default: return .database(message)
        }
    }
}
