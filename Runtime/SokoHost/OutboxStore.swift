import SokoFunctions
import SokoStore
import Synchronization

/// A service's store as its handlers see it: the same store, except that a transaction which wrote
/// to the outbox wakes the service's event relay right after it commits.
final class OutboxStore: Store {
    let base: Store
    private let onCommit = Mutex<(@Sendable () -> Void)?>(nil)

    init(_ base: Store) { self.base = base }

    /// What to run after a transaction that emitted events has committed (the relay's nudge).
    func setOnCommit(_ action: (@Sendable () -> Void)?) { onCommit.withLock { $0 = action } }

    var dialect: SQLDialect { base.dialect }

    func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int { try await base.execute(sql, parameters) }

    func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row] { try await base.query(sql, parameters) }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        let (result, emitted) = try await base.transaction { transaction in
            let tracking = TrackingTransaction(transaction)
            return (try body(tracking), tracking.emitted)
        }
        if emitted, let action = onCommit.withLock({ $0 }) { action() }
        return result
    }

    func close() async { await base.close() }
}

/// Forwards to the real transaction and remembers whether an event was emitted.
final class TrackingTransaction: Transaction, OutboxTracking {
    private let base: Transaction
    private(set) var emitted = false

    init(_ base: Transaction) { self.base = base }

    var dialect: SQLDialect { base.dialect }
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int { try base.execute(sql, parameters) }
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [Row] { try base.query(sql, parameters) }
    func eventWritten() { emitted = true }
}
