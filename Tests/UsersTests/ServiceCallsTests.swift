import Crypto
import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest
import SokoTesting
import Synchronization
import Testing
import Users

/// How many more calls `callee.flaky` refuses with 503, by key.
private let flakyRefusals = Mutex<[Int: Int]>([:])

/// Function invocation and event delivery between processes: a caller in one process reaches a
/// callee in another over real HTTP with a client-credentials token from the Users service.
@Suite("Calls between services")
struct ServiceCallsTests {
    struct Number: Codable, Sendable {
        var n: Int
    }

    struct Doubled: Codable, Sendable {
        var result: Int
        var caller: String
        var isService: Bool
    }

    enum CalleeBundle: FunctionBundle {
        static let service = "callee"
        static let migrations = [Migration(1, "pings", ["CREATE TABLE pings (n INTEGER NOT NULL)"])]

        static func register(_ registry: inout FunctionRegistry) {
            registry.typed("double") { (input: Number, context) -> Doubled in
                guard input.n >= 0 else {
                    throw FunctionError(status: 409, code: "negative", detail: "\(input.n) is negative")
                }
                return Doubled(
                    result: input.n * 2, caller: context.identity?.subject ?? "-", isService: context.identity?.isService ?? false
                )
            }
            registry.typed("flaky") { (input: Number, context) -> Doubled in
                let refuse = flakyRefusals.withLock { owed -> Bool in
                    let left = owed[input.n] ?? 0
                    owed[input.n] = max(0, left - 1)
                    return left > 0
                }
                if refuse { throw FunctionError(status: 503, code: "busy", detail: "try again") }
                return Doubled(result: input.n, caller: context.identity?.subject ?? "-", isService: true)
            }
            registry.typed("slow") { (input: Number, context) -> Doubled in
                try await Task.sleep(for: .seconds(input.n))
                return Doubled(result: input.n, caller: "-", isService: true)
            }
            registry.event("onPing") { (event: Event<Number>, context) in
                let n = event.payload.n
                try await context.once(event) { transaction in
                    try transaction.execute("INSERT INTO pings (n) VALUES ($1)", [.integer(Int64(n))])
                }
            }
        }

        static let manifest = """
            service: callee
            functions:
              double:
                http: POST /internal/double
                auth: service
              flaky:
                http: POST /internal/flaky
                auth: service
              slow:
                http: POST /internal/slow
                auth: service
                timeout: 10s
              onPing:
                event: ping.sent
            """
    }

    enum CallerBundle: FunctionBundle {
        static let service = "caller"
        static let migrations = [Migration(1, "notes", ["CREATE TABLE notes (n INTEGER)"])]

        static func register(_ registry: inout FunctionRegistry) {
            registry.typed("call") { (input: Number, context) -> Doubled in
                try await context.invoke("callee", "double", input, as: Doubled.self, idempotent: true)
            }
            registry.typed("callFlaky") { (input: Number, context) -> Doubled in
                try await context.invoke("callee", "flaky", input, as: Doubled.self, idempotent: input.n >= 100)
            }
            registry.typed("callSlow") { (input: Number, context) -> Doubled in
                try await context.invoke("callee", "slow", input, as: Doubled.self)
            }
            registry.typed("ping") { (input: Number, context) -> FunctionResponse in
                try await context.store.transaction { transaction in _ = try transaction.emit("ping.sent", input) }
                return .noContent
            }
        }

        static let manifest = """
            service: caller
            functions:
              call:
                http: POST /call
                auth: public
              ping:
                http: POST /ping
                auth: public
              callFlaky:
                http: POST /call-flaky
                auth: public
              callSlow:
                http: POST /call-slow
                auth: public
                timeout: 1s
            """
    }

    static let secret = "a service secret that is long enough"

    /// The Users and callee services, served over loopback.
    static func startCallee(environment: [String: String] = [:]) async throws -> (RunningHost, String) {
        let digest = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        var configuration = TestHost.defaultConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 1
        configuration.environment = [
            "SOKO_ARGON2_MEMORY_KIB": "1024",
            "SOKO_OAUTH_CLIENTS": #"[{"client_id": "caller-service", "secret_sha256": "\#(digest)", "internal": true}]"#,
        ]
        configuration.environment.merge(environment) { $1 }
        let users = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        let host = try FunctionHost(
            manifests: [
                try ManifestParser.parse(yaml: users, file: "users.yaml"),
                try ManifestParser.parse(yaml: CalleeBundle.manifest, file: "callee.yaml"),
            ], bundles: [UsersBundle.self, CalleeBundle.self], configuration: configuration)
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let running = try await host.start(on: group)
        return (running, "http://127.0.0.1:\(running.port)")
    }

    /// The callee's manifest with `double` and `onPing` deployed on their own (`deploy: function`).
    static let calleeOnTheirOwn = CalleeBundle.manifest.replacingOccurrences(
        of: "auth: service\n  flaky:", with: "auth: service\n    deploy: function\n  flaky:"
    ).replacingOccurrences(of: "event: ping.sent", with: "event: ping.sent\n    deploy: function")

    /// The caller service alone, knowing every manifest, reaching the others at `base` (or at the
    /// URLs `urls` names).
    static func startCaller(
        base: String, secret: String? = Self.secret, calleeManifest: String = CalleeBundle.manifest,
        urls: [String: String]? = nil
    ) async throws -> TestHost {
        var configuration = TestHost.defaultConfiguration()
        configuration.service = "caller"
        configuration.environment = [
            "SOKO_SERVICE_CLIENT_ID": "caller-service", "SOKO_EVENT_BACKOFF_MS": "5", "SOKO_EVENT_POLL_MS": "20",
        ]
        configuration.environment.merge(urls ?? ["SOKO_SERVICE_URL_CALLEE": base, "SOKO_SERVICE_URL_USERS": base]) { $1 }
        if let secret { configuration.environment["SOKO_SERVICE_CLIENT_SECRET"] = secret }
        let users = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        return try await TestHost(
            bundles: [UsersBundle.self, CalleeBundle.self, CallerBundle.self],
            manifests: ["users.yaml": users, "callee.yaml": calleeManifest, "caller.yaml": CallerBundle.manifest],
            configuration: configuration)
    }

    @Test func aRemoteFunctionIsCalledWithAServiceTokenAndItsProblemsComeBack() async throws {
        let (callee, base) = try await Self.startCallee()
        let caller = try await Self.startCaller(base: base)

        let doubled = try await caller.request("POST", "/call", json: Number(n: 21))
        #expect(doubled.status == 200)
        let answer = try doubled.json(Doubled.self)
        #expect(answer.result == 42)
        #expect(answer.caller == "caller-service")
        #expect(answer.isService)
        // The token is reused (a second call needs no new grant, and still works).
        #expect(try await caller.request("POST", "/call", json: Number(n: 5)).json(Doubled.self).result == 10)

        // The callee's problem passes through with its status and code.
        let refused = try await caller.request("POST", "/call", json: Number(n: -1))
        #expect(refused.status == 409)
        #expect(refused.text.contains("urn:soko:problem:negative"))

        // The internal route refuses callers without a service token.
        let direct = try await RemoteKeysTests.curl([
            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", base + "/internal/double", "-H",
            "Content-Type: application/json", "-d", #"{"n":1}"#,
        ])
        #expect(direct == "401")

        #expect(await caller.shutdown())
        #expect(await callee.stop(drainTimeout: .seconds(2)))
    }

    @Test func onlyIdempotentCallsAreRetriedAndTheCallersDeadlineBoundsTheCall() async throws {
        let (callee, base) = try await Self.startCallee()
        let caller = try await Self.startCaller(base: base)
        // Idempotent (n >= 100 in this test bundle): two 503s, then the answer.
        flakyRefusals.withLock { $0[101] = 2 }
        let retried = try await caller.request("POST", "/call-flaky", json: Number(n: 101))
        #expect(retried.status == 200)
        #expect(flakyRefusals.withLock { $0[101] } == 0)
        // Not idempotent: the first 503 comes straight back, nothing is repeated.
        flakyRefusals.withLock { $0[7] = 2 }
        let once = try await caller.request("POST", "/call-flaky", json: Number(n: 7))
        #expect(once.status == 503)
        #expect(once.text.contains("urn:soko:problem:busy"))
        #expect(flakyRefusals.withLock { $0[7] } == 1)

        // The callee would take 5 s; the caller's 1 s deadline bounds the call (well before the
        // callee would answer, with room for a loaded machine).
        let started = ContinuousClock.now
        let slow = try await caller.request("POST", "/call-slow", json: Number(n: 5))
        #expect([502, 504].contains(slow.status))
        #expect(ContinuousClock.now - started < .milliseconds(4500))
        #expect(await caller.shutdown())
        _ = await callee.stop(drainTimeout: .seconds(1))  // the slow call may still be sleeping there
    }

    @Test func withoutCredentialsARemoteCallFailsClearly() async throws {
        let (callee, base) = try await Self.startCallee()
        let caller = try await Self.startCaller(base: base, secret: nil)
        let response = try await caller.request("POST", "/call", json: Number(n: 1))
        #expect(response.status == 502)
        #expect(response.text.contains("SOKO_SERVICE_CLIENT_SECRET"))
        #expect(await caller.shutdown())
        #expect(await callee.stop(drainTimeout: .seconds(2)))
    }

    @Test func eventsAreDeliveredToAConsumerInAnotherProcess() async throws {
        let (callee, base) = try await Self.startCallee()
        let caller = try await Self.startCaller(base: base)
        for n in 1...5 { #expect(try await caller.request("POST", "/ping", json: Number(n: n)).status == 204) }
        let pings = callee.host.stores.store(for: "callee")
        let deadline = ContinuousClock.now + .seconds(10)
        var seen: [Int] = []
        while ContinuousClock.now < deadline {
            seen = try await pings.query("SELECT n FROM pings ORDER BY n", []).map { try $0.int("n") ?? 0 }
            if seen.count >= 5 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(seen == [1, 2, 3, 4, 5])
        // The relay records a batch's outcomes after the consumer answered: wait for that too.
        var delivered: Int?
        while ContinuousClock.now < deadline, delivered != 5 {
            delivered = try await caller.host.stores.store(for: "caller").query(
                "SELECT COUNT(*) AS n FROM soko_deliveries WHERE status = 'delivered' AND consumer = 'callee.onPing'", []
            ).first?.int("n")
            if delivered != 5 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(delivered == 5)

        // The delivery route takes service tokens only.
        let direct = try await RemoteKeysTests.curl([
            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", base + "/_soko/events/callee/onPing", "-H",
            "Content-Type: application/json", "-d",
            #"{"id":"x","name":"ping.sent","source":"x","occurred_at":"x","payload":{"n":9}}"#,
        ])
        #expect(direct == "401")
        #expect(await caller.shutdown())
        #expect(await callee.stop(drainTimeout: .seconds(2)))
    }

    @Test func aFunctionDeployedOnItsOwnIsReachedAtItsUnitsURL() async throws {
        #expect(Self.calleeOnTheirOwn.contains("deploy: function\n  flaky:"))
        let (callee, base) = try await Self.startCallee()
        // The callee service's own URL leads nowhere: `double` and `onPing` run in their own units.
        let units = [
            "SOKO_SERVICE_URL_USERS": base, "SOKO_SERVICE_URL_CALLEE": "http://127.0.0.1:9",
            "SOKO_SERVICE_URL_CALLEE_DOUBLE": base, "SOKO_SERVICE_URL_CALLEE_ON_PING": base,
        ]
        let caller = try await Self.startCaller(base: base, calleeManifest: Self.calleeOnTheirOwn, urls: units)
        let doubled = try await caller.request("POST", "/call", json: Number(n: 4))
        #expect(doubled.status == 200, "\(doubled.text)")
        #expect(try doubled.json(Doubled.self).result == 8)
        #expect(try await caller.request("POST", "/ping", json: Number(n: 1)).status == 204)
        let pings = callee.host.stores.store(for: "callee")
        var seen: [Int] = []
        for _ in 0..<1000 where seen.isEmpty {
            seen = try await pings.query("SELECT n FROM pings", []).map { try $0.int("n") ?? 0 }
            if seen.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen == [1])
        #expect(await caller.shutdown())

        // A process per service (only the service's URL known): the service's process is asked.
        let perService = try await Self.startCaller(
            base: base, calleeManifest: Self.calleeOnTheirOwn,
            urls: ["SOKO_SERVICE_URL_USERS": base, "SOKO_SERVICE_URL_CALLEE": base])
        #expect(try await perService.request("POST", "/call", json: Number(n: 5)).json(Doubled.self).result == 10)
        #expect(await perService.shutdown())
        // Knowing neither, the call fails clearly, naming the variables to set.
        let lost = try await Self.startCaller(
            base: base, calleeManifest: Self.calleeOnTheirOwn, urls: ["SOKO_SERVICE_URL_USERS": base])
        let refused = try await lost.request("POST", "/call", json: Number(n: 4))
        #expect(refused.status == 503)
        #expect(refused.text.contains("SOKO_SERVICE_URL_CALLEE_DOUBLE") && refused.text.contains("SOKO_SERVICE_URL_CALLEE)"))
        #expect(await lost.shutdown())
        #expect(await callee.stop(drainTimeout: .seconds(2)))
    }

    @Test func withoutURLsRemoteFunctionsAndTheTokenEndpointAreFoundThroughConsul() async throws {
        var configuration = TestHost.defaultConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 1
        let agentHost = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: FakeConsulBundle.manifest, file: "consul.yaml")],
            bundles: [FakeConsulBundle.self], configuration: configuration)
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let agent = try await agentHost.start(on: group)
        let consul = ["CONSUL_HTTP_ADDR": "http://127.0.0.1:\(agent.port)", "SOKO_ADVERTISE_ADDRESS": "127.0.0.1"]
        // The callee process registers users and callee; the caller knows no URL at all.
        let (callee, _) = try await Self.startCallee(environment: consul)
        let caller = try await Self.startCaller(base: "", urls: consul)
        let doubled = try await caller.request("POST", "/call", json: Number(n: 6))
        #expect(doubled.status == 200, "\(doubled.text)")
        #expect(try doubled.json(Doubled.self).result == 12)
        #expect(await caller.shutdown())
        #expect(await callee.stop(drainTimeout: .seconds(2)))
        // Deregistered: nothing passing is left to call.
        let orphan = try await Self.startCaller(base: "", urls: consul)
        let refused = try await orphan.request("POST", "/call", json: Number(n: 6))
        #expect(refused.status == 502 || refused.status == 503, "\(refused.text)")
        #expect(await orphan.shutdown())
        #expect(await agent.stop(drainTimeout: .seconds(2)))
    }
}
