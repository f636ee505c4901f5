import Foundation
import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoStore

/// Who consumes which event: every `event:` function in every manifest, wherever it runs.
struct EventConsumers: Sendable {
    struct Consumer: Sendable {
        /// `service.function`.
        var name: String
        var retries: Int
        var timeout: Duration
    }

    private var byEvent: [String: [Consumer]] = [:]
    private var byName: [String: Consumer] = [:]

    init(manifests: [ServiceManifest]) {
        for manifest in manifests {
            for function in manifest.functions {
                guard case .event(let names) = function.trigger else { continue }
                let consumer = Consumer(
                    name: "\(manifest.service).\(function.name)", retries: function.retries, timeout: function.timeout)
                byName[consumer.name] = consumer
                for name in names { byEvent[name, default: []].append(consumer) }
            }
        }
    }

    func of(_ event: String) -> [Consumer] { byEvent[event] ?? [] }
    func named(_ name: String) -> Consumer? { byName[name] }
}

/// How the relay paces itself (`SOKO_EVENT_*_MS`, read by ``HostSettings``; tests shorten them).
struct RelaySettings: Sendable {
    /// First retry after this, doubling per attempt (with jitter) up to `maximumBackoff`.
    var backoff: Duration = .seconds(1)
    var maximumBackoff: Duration = .seconds(300)
    /// How often an idle relay looks for work written by other replicas (and renews its lease).
    var poll: Duration = .seconds(1)
    /// How long a relay's lease lasts unless renewed.
    var lease: Duration = .seconds(15)
    var batch = 64

    /// The pause before attempt `attempts + 1`: exponential, with "equal jitter" (half fixed, half
    /// random) so that failed deliveries of many events do not retry in lockstep.
    func pause(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 20)
        let full = min(backoff * (1 << exponent), maximumBackoff)
        let milliseconds = max(1, Int(full.components.seconds * 1000 + full.components.attoseconds / 1_000_000_000_000_000))
        return .milliseconds(milliseconds / 2 + Int.random(in: 0...(milliseconds - milliseconds / 2)))
    }
}

/// Delivers one service's outbox: after commit, at least once, to every consumer of each event,
/// retrying with backoff and parking a delivery as `dead` after the consumer's last retry.
///
/// Work lives in the service's store: `soko_outbox` (written by handlers inside their
/// transactions), `soko_deliveries` (one row per event and consumer: `pending`, `delivered` or
/// `dead`). A relay that stops mid-batch loses nothing: whatever was not marked delivered is
/// delivered again by the next relay. With several replicas, the one holding the service's lease
/// (a row in `soko_leases`) relays; the others only watch the lease.
///
/// Each delivery goes through the ``InvocationPipeline`` (trigger `event`) when its consumer is
/// served here: a consumer that overruns its `timeout` is answered 504 and cancelled, so it
/// cannot stall the pass.
final class EventRelay: @unchecked Sendable {
    let service: String
    private let store: OutboxStore
    private let consumers: EventConsumers
    private let pipeline: InvocationPipeline
    private let settings: RelaySettings
    private let loop: EventLoop
    private let holder = UUID().uuidString.lowercased()
    private let logger: Logger
    // Loop-thread state (touched only on `loop`).
    private var timer: LoopTimer?
    private var running: Task<Void, Never>?
    private var again = false
    private var stopped = false

    init(
        service: String, store: OutboxStore, consumers: EventConsumers, pipeline: InvocationPipeline,
        settings: RelaySettings, loop: EventLoop
    ) {
        self.service = service
        self.store = store
        self.consumers = consumers
        self.pipeline = pipeline
        self.settings = settings
        self.loop = loop
        var logger = Logger(label: "soko.relay")
        logger[metadataKey: "service"] = "\(service)"
        self.logger = logger
    }

    /// Starts relaying and hooks the store's commits. Call on the loop thread.
    func start() {
        store.wake(self)
        kick()
    }

    /// Wakes the relay from any thread (an event was just committed).
    func nudge() {
        loop.execute { [self] in kick() }
    }

    /// Stops relaying; waits for a pass in progress to finish. Call from outside the loop thread.
    func stop() async {
        store.wake(nil)
        let task = await withCheckedContinuation { (continuation: CheckedContinuation<Task<Void, Never>?, Never>) in
            loop.execute { [self] in
                stopped = true
                timer?.cancel()
                timer = nil
                continuation.resume(returning: running)
            }
        }
        await task?.value
        // Hand the lease over at once (a relay that crashes instead lets it run out).
        _ = try? await store.base.execute(
            "UPDATE soko_leases SET expires_ms = 0 WHERE name = $1 AND holder = $2", [.text("relay:\(service)"), .text(holder)])
    }

    /// Loop thread: runs a pass now, or right after the one in progress.
    private func kick() {
        guard !stopped else { return }
        if running != nil {
            again = true
            return
        }
        timer?.cancel()
        timer = nil
        running = Task(executorPreference: loop.executor) { [self] in
            let delay = await pass()
            loop.execute { [self] in
                running = nil
                guard !stopped else { return }
                if again || delay == .zero {
                    again = false
                    kick()
                } else {
                    timer = LoopTimer(loop: loop, after: delay) { [weak self] in self?.kick() }
                }
            }
        }
    }

    /// One round: hold the lease, fan new events out to their consumers, deliver what is due.
    /// Returns how long to wait before the next round (zero: more work is waiting).
    func pass() async -> Duration {
        do {
            guard try await holdLease() else { return settings.poll }
            let fannedOut = try await fanOut()
            let delivered = try await deliverDue()
            if fannedOut == settings.batch || delivered == settings.batch { return .zero }
            return try await untilNextDue()
        } catch {
            logger.error("relay pass failed", metadata: ["error": "\(error)"])
            return settings.poll
        }
    }

    private func holdLease() async throws -> Bool {
        let now = Self.milliseconds()
        let expires =
            now + Int64(settings.lease.components.seconds * 1000 + settings.lease.components.attoseconds / 1_000_000_000_000_000)
        let name = "relay:\(service)"
        let renewed = try await store.execute(
            "UPDATE soko_leases SET holder = $1, expires_ms = $2 WHERE name = $3 AND (holder = $1 OR expires_ms < $4)",
            [.text(holder), .integer(expires), .text(name), .integer(now)])
        if renewed == 1 { return true }
        do {
            try await store.execute(
                "INSERT INTO soko_leases (name, holder, expires_ms) VALUES ($1, $2, $3)",
                [.text(name), .text(holder), .integer(expires)])
            return true
        } catch StoreError.uniqueViolation {
            return false  // another replica holds it
        }
    }

    /// Creates the delivery rows of events not yet fanned out. Returns how many events it took.
    private func fanOut() async throws -> Int {
        let consumers = self.consumers
        let batch = settings.batch
        return try await store.base.transaction { transaction in
            let rows = try transaction.query(
                "SELECT seq, id, name FROM soko_outbox WHERE fanned_out = 0 ORDER BY seq LIMIT $1", [.integer(Int64(batch))])
            let now = Self.milliseconds()
            for row in rows {
                let id = try Self.text(row, "id")
                for consumer in consumers.of(try Self.text(row, "name")) {
                    try transaction.execute(
                        """
                        INSERT INTO soko_deliveries (event_id, consumer, status, attempts, next_attempt_ms, updated_at)
                        VALUES ($1, $2, 'pending', 0, $3, $4) ON CONFLICT DO NOTHING
                        """, [.text(id), .text(consumer.name), .integer(now), .text(Timestamp.now())])
                }
                try transaction.execute(
                    "UPDATE soko_outbox SET fanned_out = 1 WHERE seq = $1", [.integer(Int64(try Self.number(row, "seq")))])
            }
            return rows.count
        }
    }

    /// Delivers the due deliveries of one batch concurrently. Returns how many it tried.
    private func deliverDue() async throws -> Int {
        let rows = try await store.query(
            """
            SELECT d.event_id, d.consumer, d.attempts, o.name, o.payload, o.occurred_at
            FROM soko_deliveries d JOIN soko_outbox o ON o.id = d.event_id
            WHERE d.status = 'pending' AND d.next_attempt_ms <= $1 ORDER BY d.next_attempt_ms, o.seq LIMIT $2
            """, [.integer(Self.milliseconds()), .integer(Int64(settings.batch))])
        // Successes are recorded together, in one transaction (one commit, not one per event).
        let delivered = await withTaskGroup(of: (eventID: String, consumer: String, attempts: Int)?.self) { group in
            for row in rows {
                group.addTask { [self] in await deliver(row) }
            }
            var successes: [(eventID: String, consumer: String, attempts: Int)] = []
            for await success in group { if let success { successes.append(success) } }
            return successes
        }
        if !delivered.isEmpty {
            let now = Timestamp.now()
            try await store.base.transaction { transaction in
                for success in delivered {
                    try transaction.execute(
                        """
                        UPDATE soko_deliveries SET status = 'delivered', attempts = $1, last_error = NULL, updated_at = $2
                        WHERE event_id = $3 AND consumer = $4 AND status = 'pending'
                        """, [.integer(Int64(success.attempts)), .text(now), .text(success.eventID), .text(success.consumer)])
                }
            }
        }
        return rows.count
    }

    /// Delivers one event to one consumer. Returns the delivery when it succeeded (to be recorded
    /// with the others); records a failure itself.
    private func deliver(_ row: Row) async -> (eventID: String, consumer: String, attempts: Int)? {
        do {
            let eventID = try Self.text(row, "event_id")
            let consumerName = try Self.text(row, "consumer")
            let attempts = try Self.number(row, "attempts") + 1
            let consumer = consumers.named(consumerName)
            let envelope = try Self.envelope(
                id: eventID, name: try Self.text(row, "name"), source: service, occurredAt: try Self.text(row, "occurred_at"),
                payload: try Self.text(row, "payload"), attempt: attempts,
                isFinal: attempts > (consumer?.retries ?? ManifestDefaults.retries))
            var failure: String?
            do {
                let status = try await pipeline.deliver(
                    envelope: envelope, from: service, to: consumerName, requestID: "evt-\(eventID)",
                    timeout: consumer?.timeout ?? .seconds(10))
                if !(200..<300).contains(status) { failure = "the consumer answered \(status)" }
            } catch {
                failure = "\(error)"
            }
            guard let failure else { return (eventID, consumerName, attempts) }
            let retries = consumer?.retries ?? ManifestDefaults.retries
            let dead = consumer == nil || attempts > retries
            let next = Self.milliseconds() + Self.milliseconds(settings.pause(afterAttempts: attempts))
            try await store.base.execute(
                """
                UPDATE soko_deliveries SET status = $1, attempts = $2, next_attempt_ms = $3, last_error = $4, updated_at = $5
                WHERE event_id = $6 AND consumer = $7 AND status = 'pending'
                """,
                [
                    .text(dead ? "dead" : "pending"), .integer(Int64(attempts)), .integer(next),
                    .text(String(failure.prefix(1000))),
                    .text(Timestamp.now()), .text(eventID), .text(consumerName),
                ])
            let metadata: Logger.Metadata = [
                "event_id": "\(eventID)", "consumer": "\(consumerName)", "attempt": "\(attempts)", "error": "\(failure)",
            ]
            if dead {
                logger.error("event delivery failed for good; parked as a dead letter", metadata: metadata)
            } else {
                logger.warning("event delivery failed; will retry", metadata: metadata)
            }
        } catch {
            logger.error("could not record an event delivery", metadata: ["error": "\(error)"])
        }
        return nil
    }

    /// Time until the earliest pending delivery is due (at most the poll interval).
    private func untilNextDue() async throws -> Duration {
        let rows = try await store.query(
            "SELECT MIN(next_attempt_ms) AS due FROM soko_deliveries WHERE status = 'pending'", [])
        guard let due = try rows.first?.int("due").map(Int64.init) else { return settings.poll }
        let wait = Duration.milliseconds(max(0, due - Self.milliseconds()))
        return wait == .zero ? .milliseconds(1) : min(wait, settings.poll)
    }

    /// `{id, name, source, occurred_at, attempt, final_attempt, payload}`; the payload is the
    /// producer's JSON, as written.
    static func envelope(
        id: String, name: String, source: String, occurredAt: String, payload: String, attempt: Int = 1, isFinal: Bool = false
    ) throws -> [UInt8] {
        func quoted(_ text: String) throws -> String { String(decoding: try JSONCoding.encode(text), as: UTF8.self) }
        let text =
            "{\"id\":\(try quoted(id)),\"name\":\(try quoted(name)),\"source\":\(try quoted(source)),"
            + "\"occurred_at\":\(try quoted(occurredAt)),\"attempt\":\(attempt),\"final_attempt\":\(isFinal),"
            + "\"payload\":\(payload)}"
        return Array(text.utf8)
    }

    private static func text(_ row: Row, _ column: String) throws -> String {
        guard let value = try row.string(column) else { throw StoreError.type(column: column, expected: "text") }
        return value
    }

    private static func number(_ row: Row, _ column: String) throws -> Int {
        guard let value = try row.int(column) else { throw StoreError.type(column: column, expected: "an integer") }
        return value
    }

    static func milliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
