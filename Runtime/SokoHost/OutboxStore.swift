import SokoFunctions
import SokoStore
import Synchronization

/// A service's store as its handlers see it: the same store, except that a transaction which wrote
/// to the outbox wakes the service's event relay right after it commits.
final class OutboxStore: Store {
    let base: Store
    /// The relay to wake after a transaction that emitted events has committed. (An object, not a
    /// closure: a closure kept in a generic container is re-wrapped in conversion thunks.)
    private let relay = Mutex<WeakRelay>(WeakRelay())

    private struct WeakRelay {
        weak var relay: EventRelay?
    }

    init(_ base: Store) { self.base = base }

    /// Which relay to wake after a transaction that emitted events has committed (nil: none).
    func wake(_ relay: EventRelay?) { self.relay.withLock { $0.relay = relay } }

    var dialect: SQLDialect { base.dialect }

    func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int { try await base.execute(sql, parameters) }

    func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row] { try await base.query(sql, parameters) }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        let (result, emitted) = try await base.transaction { transaction in
            let tracking = TrackingTransaction(transaction)
            return (try body(tracking), tracking.emitted)
        }
        if emitted { relay.withLock { $0.relay }?.nudge() }
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
