import SokoFunctions
import SokoStore

/// Operators' view of a service's event deliveries: the dead letters, and replaying them
/// (`soko events dead`, `soko events retry ID`).
public enum EventAdministration {
    /// A delivery parked after its consumer's last retry (the wire type of the host's
    /// `_deadLetters` functions, ``SokoFunctions/DeadLetters``).
    public typealias DeadLetter = SokoFunctions.DeadLetter

    /// The store's dead letters, oldest failure first.
    public static func deadLetters(store: Store, limit: Int = 1000) async throws -> [DeadLetter] {
        try await store.query(
            """
            SELECT d.event_id, o.name, d.consumer, d.attempts, d.last_error, o.occurred_at, d.updated_at
            FROM soko_deliveries d JOIN soko_outbox o ON o.id = d.event_id
            WHERE d.status = 'dead' ORDER BY d.updated_at, o.seq LIMIT $1
            """, [.integer(Int64(limit))]
        ).map {
            DeadLetter(
                eventID: try $0.string("event_id") ?? "", event: try $0.string("name") ?? "",
                consumer: try $0.string("consumer") ?? "", attempts: try $0.int("attempts") ?? 0,
                lastError: try $0.string("last_error") ?? "", occurredAt: try $0.string("occurred_at") ?? "",
                failedAt: try $0.string("updated_at") ?? "")
        }
    }

    /// Puts the event's dead deliveries back in the queue with a fresh set of retries. Returns how
    /// many deliveries it revived (0: no dead delivery of that event here). A running relay picks
    /// them up at its next poll.
    @discardableResult
    public static func retry(eventID: String, store: Store) async throws -> Int {
        try await store.execute(
            """
            UPDATE soko_deliveries SET status = 'pending', attempts = 0, next_attempt_ms = 0, updated_at = $1
            WHERE event_id = $2 AND status = 'dead'
            """, [.text(Timestamp.now()), .text(eventID)])
    }
}
