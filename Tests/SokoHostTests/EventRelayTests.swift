import Foundation
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

/// Failures the test consumers owe, by event id (how many more deliveries to refuse).
private let owedFailures = Mutex<[String: Int]>([:])
/// Handler runs per consumer and event id (redeliveries included).
private let handlerRuns = Mutex<[String: Int]>([:])
/// Keys whose `gated` events are refused until the test opens them.
private let closedGates = Mutex<Set<String>>([])

/// A producer and consumers with scripted behaviour, in one service.
enum OutboxBundle: FunctionBundle {
    static let service = "outbox"

    struct Thing: Codable, Sendable {
        var key: String
        var n: Int
        /// Deliveries the consumer refuses before it accepts.
        var failures: Int
    }

    struct Batch: Codable, Sendable {
        var event: String
        var key: String
        var count: Int
        var failures: Int
        /// Throw after emitting: the transaction must roll back and nothing be delivered.
        var abort: Bool?
    }

    static let migrations = [
        Migration(1, "consumed", ["CREATE TABLE consumed (consumer TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL)"])
    ]

    static func register(_ registry: inout FunctionRegistry) {
        registry.typed("emit") { (batch: Batch, context) -> FunctionResponse in
            try await context.store.transaction { transaction in
                for n in 0..<batch.count {
                    try transaction.emit(batch.event, Thing(key: batch.key, n: n, failures: batch.failures))
                }
                if batch.abort == true { throw FunctionError.badRequest("aborted on purpose") }
            }
            return .noContent
        }
        for consumer in ["flaky", "doomed", "gated"] {
            registry.event(consumer) { (event: Event<Thing>, context) in
                handlerRuns.withLock { $0["\(consumer):\(event.id)", default: 0] += 1 }
                let refuse = owedFailures.withLock { owed -> Bool in
                    let left = owed[event.id] ?? event.payload.failures
                    owed[event.id] = max(0, left - 1)
                    return left > 0
                }
                if refuse { throw FunctionError(status: 503, code: "not-now", detail: "scripted failure") }
                if consumer == "gated", closedGates.withLock({ $0.contains(event.payload.key) }) {
                    throw FunctionError(status: 503, code: "gate-closed", detail: "the test holds this key")
                }
                let payload = event.payload
                try await context.once(event) { transaction in
                    try transaction.execute(
                        "INSERT INTO consumed (consumer, key, n) VALUES ($1, $2, $3)",
                        [.text(consumer), .text(payload.key), .integer(Int64(payload.n))])
                }
            }
        }
    }

    /// Lets the consumers accept `eventID` from now on (a consumer fixed before a replay).
    static func forgive(_ eventID: String) { owedFailures.withLock { $0[eventID] = 0 } }

    static let manifest = """
        service: outbox
        functions:
          emit:
            http: POST /emit
            auth: public
          flaky:
            event: thing.flaky
            retries: 8
          doomed:
            event: thing.doomed
            retries: 2
          gated:
            event: thing.gated
            retries: 1000
        """

    static func configuration(folder: String = Self.freshFolder()) -> HostConfiguration {
        var configuration = HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
        configuration.environment = ["SOKO_EVENT_BACKOFF_MS": "5", "SOKO_EVENT_MAX_BACKOFF_MS": "20", "SOKO_EVENT_POLL_MS": "20"]
        return configuration
    }

    static func freshFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("soko-outbox-\(UUID().uuidString)").path
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. (The relay works
/// in the background: its effects are observed in the store.)
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

@Suite("Events: outbox and relay")
struct EventRelayTests {
    static func count(_ store: Store, _ sql: String, _ parameters: [SQLValue] = []) async throws -> Int {
        try await store.query(sql, parameters).first?.int("n") ?? 0
    }

    static func emit(_ host: TestHost, _ batch: OutboxBundle.Batch) async throws -> Int {
        try await host.request("POST", "/emit", json: batch).status
    }

    @Test func aConsumerThatFailsThreeTimesThenSucceedsProcessesTheEventOnce() async throws {
        let host = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest],
            configuration: OutboxBundle.configuration())
        let store = host.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        #expect(try await Self.emit(host, .init(event: "thing.flaky", key: key, count: 1, failures: 3)) == 204)
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered'") == 1
            })
        let delivery = try #require(try await store.query("SELECT event_id, attempts FROM soko_deliveries", []).first)
        #expect(try delivery.int("attempts") == 4)
        let eventID = try #require(try delivery.string("event_id"))
        #expect(handlerRuns.withLock { $0["flaky:\(eventID)"] } == 4)
        #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 1)
        #expect(await host.shutdown())
    }

    @Test func aConsumerThatAlwaysFailsEndsInTheDeadLetters() async throws {
        let host = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest],
            configuration: OutboxBundle.configuration())
        let store = host.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        #expect(try await Self.emit(host, .init(event: "thing.doomed", key: key, count: 1, failures: 1000)) == 204)
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'dead'") == 1
            })
        let dead = try await EventAdministration.deadLetters(store: store)
        #expect(dead.count == 1)
        #expect(dead.first?.consumer == "outbox.doomed")
        #expect(dead.first?.event == "thing.doomed")
        #expect(dead.first?.attempts == 3)  // the first try and its 2 retries
        #expect(dead.first?.lastError.contains("503") == true)
        #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed", []) == 0)

        // Replayed from the dead letters once the consumer is fixed: delivered, processed once.
        let eventID = try #require(dead.first?.eventID)
        owedFailures.withLock { $0[eventID] = 0 }
        #expect(try await EventAdministration.retry(eventID: eventID, store: store) == 1)
        #expect(try await EventAdministration.retry(eventID: "no-such-event", store: store) == 0)
        host.host.nudgeRelays()
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 1
            })
        #expect(try await EventAdministration.deadLetters(store: store).isEmpty)
        #expect(await host.shutdown())
    }

    @Test func anEventIsWrittenOnlyWhenItsTransactionCommits() async throws {
        let host = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest],
            configuration: OutboxBundle.configuration())
        let store = host.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        #expect(try await Self.emit(host, .init(event: "thing.flaky", key: key, count: 3, failures: 0, abort: true)) == 400)
        #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM soko_outbox", []) == 0)
        #expect(try await Self.emit(host, .init(event: "thing.flaky", key: key, count: 3, failures: 0)) == 204)
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 3
            })
        #expect(await host.shutdown())
    }

    @Test func aRelayRestartedMidBatchLosesNothingAndARedeliveryIsANoOp() async throws {
        let folder = OutboxBundle.freshFolder()
        let key = UUID().uuidString
        closedGates.withLock { _ = $0.insert(key) }
        let first = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest],
            configuration: OutboxBundle.configuration(folder: folder))
        #expect(try await Self.emit(first, .init(event: "thing.gated", key: key, count: 150, failures: 0)) == 204)
        let store = first.host.stores.store(for: "outbox")
        // The relay is mid-work: every delivery fanned out and tried at least once, none delivered.
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE attempts > 0") == 150
            })
        #expect(await first.shutdown())

        // One delivery was processed but its relay died before recording it: it stays pending.
        closedGates.withLock { _ = $0.remove(key) }
        let second = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest],
            configuration: OutboxBundle.configuration(folder: folder))
        let reopened = second.host.stores.store(for: "outbox")
        #expect(
            try await eventually {
                try await Self.count(reopened, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered'") == 150
            })
        #expect(try await Self.count(reopened, "SELECT COUNT(DISTINCT n) AS n FROM consumed WHERE key = $1", [.text(key)]) == 150)
        // Now redeliver one already processed event: the consumer runs, records nothing new.
        let eventID = try #require(
            try await reopened.query("SELECT event_id FROM soko_deliveries LIMIT 1", []).first?.string("event_id"))
        let runsBefore = handlerRuns.withLock { $0["gated:\(eventID)"] ?? 0 }
        try await reopened.execute(
            "UPDATE soko_deliveries SET status = 'pending', next_attempt_ms = 0 WHERE event_id = $1", [.text(eventID)])
        second.host.nudgeRelays()
        #expect(
            try await eventually {
                try await Self.count(reopened, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered'") == 150
            })
        #expect(handlerRuns.withLock { $0["gated:\(eventID)"] ?? 0 } == runsBefore + 1)
        #expect(try await Self.count(reopened, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 150)
        #expect(await second.shutdown())
    }

    @Test func onlyTheLeaseHolderRelays() async throws {
        try await Self.twoReplicasShareTheRelay(OutboxBundle.configuration())
    }

    @Test func onPostgreSQLTooOnlyTheLeaseHolderRelays() async throws {
        guard let url = ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"], !url.isEmpty else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "SOKO_TEST_POSTGRES_URL is not set under CI")
            return
        }
        var configuration = OutboxBundle.configuration()
        let prefix = "t" + UUID().uuidString.lowercased().prefix(8) + "_"
        configuration.store = StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix))
        try await Self.twoReplicasShareTheRelay(configuration)
    }

    @Test func onPostgreSQLARedeliveryIsANoOpToo() async throws {
        guard let url = ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"], !url.isEmpty else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "SOKO_TEST_POSTGRES_URL is not set under CI")
            return
        }
        var configuration = OutboxBundle.configuration()
        let prefix = "t" + UUID().uuidString.lowercased().prefix(8) + "_"
        configuration.store = StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix))
        let host = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest], configuration: configuration)
        let store = host.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        #expect(try await Self.emit(host, .init(event: "thing.flaky", key: key, count: 1, failures: 0)) == 204)
        let delivered = "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered' AND attempts = 1"
        #expect(try await eventually { try await Self.count(store, delivered) == 1 })
        // Delivered again (as after a relay crash): the consumer's `once` skips it, and says so
        // with a success — not an aborted PostgreSQL transaction.
        try await store.execute("UPDATE soko_deliveries SET status = 'pending', next_attempt_ms = 0", [])
        host.host.nudgeRelays()
        let redelivered = "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered' AND attempts = 2"
        #expect(try await eventually { try await Self.count(store, redelivered) == 1 })
        #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 1)
        #expect(await host.shutdown())
    }

    /// Two replicas on one store: events written through either are delivered once each.
    static func twoReplicasShareTheRelay(_ configuration: HostConfiguration) async throws {
        let first = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest], configuration: configuration)
        let second = try await TestHost(
            bundles: [OutboxBundle.self], manifests: ["outbox.yaml": OutboxBundle.manifest], configuration: configuration)
        let store = first.host.stores.store(for: "outbox")
        let key = UUID().uuidString
        // Both replicas take work: events are written through each.
        #expect(try await Self.emit(first, .init(event: "thing.flaky", key: key, count: 20, failures: 0)) == 204)
        #expect(try await Self.emit(second, .init(event: "thing.flaky", key: key, count: 20, failures: 0)) == 204)
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM consumed WHERE key = $1", [.text(key)]) == 40
            })
        // Deliveries are recorded a batch at a time, after the consumer ran.
        #expect(
            try await eventually {
                try await Self.count(store, "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered'", []) == 40
            })
        let holders = try await store.query("SELECT holder FROM soko_leases WHERE name = 'relay:outbox'", [])
        #expect(holders.count == 1)
        let repeated = try await store.query("SELECT attempts, last_error FROM soko_deliveries WHERE attempts <> 1", [])
        let details = try repeated.map { "\(try $0.int("attempts") ?? 0): \(try $0.string("last_error") ?? "-")" }
        #expect(repeated.isEmpty, "\(details)")
        #expect(await first.shutdown())
        #expect(await second.shutdown())
    }
}
