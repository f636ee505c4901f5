import SokoStore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An event as its consumers receive it: the outbox row's id and name, when it was written, and
/// the producer's payload.
public struct Event<Payload: Sendable>: Sendable {
    /// Unique per event; a redelivery carries the same id (record it with
    /// ``SokoStore/Transaction/markProcessed(eventID:consumer:)``).
    public var id: String
    public var name: String
    /// The producing service.
    public var source: String
    /// When the producer's transaction wrote it (RFC 3339, UTC).
    public var occurredAt: String
    public var payload: Payload
    /// Which delivery this is to this consumer (1 for the first), and whether the relay gives up
    /// if it fails (the manifest's `retries` are spent): a consumer that keeps its own delivery log
    /// records `failed` then, `retrying` before.
    public var attempt: Int
    public var isFinalAttempt: Bool

    public init(
        id: String, name: String, source: String, occurredAt: String, payload: Payload, attempt: Int = 1,
        isFinalAttempt: Bool = false
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.occurredAt = occurredAt
        self.payload = payload
        self.attempt = attempt
        self.isFinalAttempt = isFinalAttempt
    }
}

extension Event: Codable where Payload: Codable {
    enum CodingKeys: String, CodingKey {
        case id, name, source, payload, attempt
        case occurredAt = "occurred_at"
        case isFinalAttempt = "final_attempt"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        source = try container.decode(String.self, forKey: .source)
        occurredAt = try container.decode(String.self, forKey: .occurredAt)
        payload = try container.decode(Payload.self, forKey: .payload)
        attempt = try container.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        isFinalAttempt = try container.decodeIfPresent(Bool.self, forKey: .isFinalAttempt) ?? false
    }
}

/// The host's tables in every service store that keeps data: the outbox, event deliveries (and the
/// dead letters among them), processed event ids, leases, schedule claims and rate-limit counts.
public enum HostTables {
    /// `CREATE TABLE IF NOT EXISTS` statements for `dialect`, in order.
    public static func statements(for dialect: SQLDialect) -> [String] {
        let sequence = dialect == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return [
            """
            CREATE TABLE IF NOT EXISTS soko_schedule_runs (
                function TEXT NOT NULL, tick BIGINT NOT NULL, claimed_at TEXT NOT NULL, PRIMARY KEY (function, tick))
            """,
            """
            CREATE TABLE IF NOT EXISTS soko_outbox (
                seq \(sequence), id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, payload TEXT NOT NULL,
                occurred_at TEXT NOT NULL, fanned_out INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX IF NOT EXISTS soko_outbox_pending ON soko_outbox (fanned_out, seq)",
            """
            CREATE TABLE IF NOT EXISTS soko_deliveries (
                event_id TEXT NOT NULL, consumer TEXT NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms BIGINT NOT NULL, last_error TEXT,
                updated_at TEXT NOT NULL, PRIMARY KEY (event_id, consumer))
            """,
            "CREATE INDEX IF NOT EXISTS soko_deliveries_due ON soko_deliveries (status, next_attempt_ms)",
            """
            CREATE TABLE IF NOT EXISTS soko_processed_events (
                consumer TEXT NOT NULL, event_id TEXT NOT NULL, processed_at TEXT NOT NULL, PRIMARY KEY (consumer, event_id))
            """,
            """
            CREATE TABLE IF NOT EXISTS soko_leases (
                name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL)
            """,
            // Calls per caller per window of functions with `rateLimit:` (one row per active caller).
            """
            CREATE TABLE IF NOT EXISTS soko_rate_limits (
                function TEXT NOT NULL, caller TEXT NOT NULL, window_start_ms BIGINT NOT NULL, calls INTEGER NOT NULL,
                PRIMARY KEY (function, caller, window_start_ms))
            """,
        ]
    }
}

extension Transaction {
    /// Writes `name` with `payload` to the service's outbox, in this transaction: the event exists
    /// exactly when the change it describes was committed. After commit the host's relay delivers it
    /// to every function whose manifest says `event: <name>`, at least once.
    /// Returns the event id.
    @discardableResult
    public func emit<Payload: Encodable>(_ name: String, _ payload: Payload) throws -> String {
        let id = UUID().uuidString.lowercased()
        let json = String(decoding: try JSONCoding.encode(payload), as: UTF8.self)
        try execute(
            "INSERT INTO soko_outbox (id, name, payload, occurred_at) VALUES ($1, $2, $3, $4)",
            [.text(id), .text(name), .text(json), .text(Timestamp.now())])
        (self as? OutboxTracking)?.eventWritten()
        return id
    }

    /// Records that `consumer` has processed `eventID`. Returns false when it already had — a
    /// redelivery — so the consumer skips the work. Call it in the same transaction as the work.
    public func markProcessed(eventID: String, consumer: String) throws -> Bool {
        // ON CONFLICT rather than catching the unique violation: on PostgreSQL a failed statement
        // aborts the whole transaction.
        try execute(
            """
            INSERT INTO soko_processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3)
            ON CONFLICT (consumer, event_id) DO NOTHING
            """, [.text(consumer), .text(eventID), .text(Timestamp.now())]) == 1
    }
}

/// A transaction that tells the host's relay when it wrote to the outbox (so the relay wakes
/// right after the commit instead of at its next poll).
public protocol OutboxTracking: AnyObject {
    func eventWritten()
}
