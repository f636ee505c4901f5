import Foundation
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoTesting
import Synchronization
import Testing

@testable import SokoHost

/// A bundle with a store and rate-limited functions (the counts live in the service's store).
enum QuotaBundle: FunctionBundle {
    static let service = "quota"

    static let migrations = [Migration(1, "calls", ["CREATE TABLE calls (id INTEGER PRIMARY KEY, at TEXT)"])]

    static func register(_ registry: inout FunctionRegistry) {
        registry.raw("send") { _, _ in .text("sent") }
        registry.raw("other") { _, _ in .text("other") }
        registry.raw("hook") { _, context in .text("hook \(context.pathParameter("token")?.count ?? 0)") }
    }

    static let manifest = """
        service: quota
        functions:
          send:
            http: POST /send
            auth: public
            rateLimit: { requests: 3, per: 1m }
          other:
            http: POST /other
            auth: public
          hook:
            http: POST /hooks/{kind}/{token}
            auth: public
            log: { redact: [token] }
        """
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let now = Mutex<Int64>(0)
    init(_ start: Int64) { now.withLock { $0 = start } }
    func read() -> Int64 { now.withLock { $0 } }
    func advance(_ milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}

@Suite("Per-caller rate limits and access-log redaction")
struct RateLimitTests {
    static func host(
        clock: TestClock, store: StoreConfiguration? = nil, environment: [String: String] = [:],
        accessLog: AccessLogSink = .discard
    ) async throws -> TestHost {
        var configuration = TestHost.defaultConfiguration()
        if let store { configuration.store = store }
        configuration.accessLog = accessLog
        configuration.environment.merge(environment) { _, new in new }
        configuration.wallClock = { clock.read() }
        return try await TestHost(
            bundles: [QuotaBundle.self], manifests: ["quota.yaml": QuotaBundle.manifest], configuration: configuration)
    }

    static func send(_ host: TestHost, from address: String = "192.0.2.1", path: String = "/send") async -> TestResponse {
        await host.request("POST", path, remoteAddress: address)
    }

    @Test func overTheLimitACallerGets429WithRetryAfterUntilTheWindowEnds() async throws {
        // 20 s into a one-minute window.
        let clock = TestClock(1_700_000_060_000)
        let host = try await Self.host(clock: clock)
        for _ in 0..<3 { #expect(await Self.send(host).status == 200) }
        let refused = await Self.send(host)
        #expect(refused.status == 429)
        #expect(refused.headers["Content-Type"] == "application/problem+json")
        #expect(refused.problem?.code == "rate-limited")
        #expect(refused.problem?.detail.contains("at most 3 per 1m") == true)
        #expect(refused.headers["Retry-After"] == "40")
        // Another caller, and another function of the same caller, are counted apart.
        #expect(await Self.send(host, from: "192.0.2.2").status == 200)
        #expect(await Self.send(host, path: "/other").status == 200)
        // The next window starts afresh.
        clock.advance(40_000)
        #expect(await Self.send(host).status == 200)
        #expect(await host.shutdown())
    }

    @Test func soko_RATE_LIMITS_offTurnsThemOff() async throws {
        let host = try await Self.host(clock: TestClock(0), environment: ["SOKO_RATE_LIMITS": "off"])
        for _ in 0..<5 { #expect(await Self.send(host).status == 200) }
        #expect(await host.shutdown())
    }

    /// Concurrent calls, as replicas would make them, are counted exactly: only `requests` pass.
    static func concurrentCallsAreCountedExactly(_ store: StoreConfiguration?) async throws {
        let clock = TestClock(1_700_000_000_000)
        let host = try await Self.host(clock: clock, store: store)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<12 { group.addTask { await Self.send(host).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 3)
        #expect(statuses.filter { $0 == 429 }.count == 9)
        // A new window sweeps the old one's rows.
        clock.advance(60_000)
        #expect(await Self.send(host, from: "192.0.2.9").status == 200)
        let rows = try await host.host.stores.store(for: "quota").query(
            "SELECT COUNT(*) AS n FROM soko_rate_limits", [])
        #expect(try rows.first?.int("n") == 1)
        #expect(await host.shutdown())
    }

    @Test func concurrentCallsOnSQLite() async throws {
        try await Self.concurrentCallsAreCountedExactly(nil)
    }

    @Test func concurrentCallsOnPostgreSQL() async throws {
        guard let url = ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"], !url.isEmpty else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "SOKO_TEST_POSTGRES_URL is not set under CI")
            return
        }
        let prefix = "t" + UUID().uuidString.lowercased().prefix(8) + "_"
        try await Self.concurrentCallsAreCountedExactly(
            StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix)))
    }

    @Test(
        arguments: [
            ("192.0.2.7", nil, "address:192.0.2.7"),
            ("192.0.2.7", "user-1", "subject:user-1"),
            ("2001:db8:1:2:3:4:5:6", nil, "address:20.1.d.b8.0.1.0.2/64"),
            ("2001:db8:1:2:ffff::1", nil, "address:20.1.d.b8.0.1.0.2/64"),
        ] as [(String, String?, String)])
    func callersAreSubjectsElseAddresses(address: String, subject: String?, key: String) {
        #expect(RateLimiter.caller(subject: subject, clientAddress: address) == key)
    }

    @Test(
        arguments: [
            (3, 3, 0, 60_000, RateLimiter.Decision.allowed),
            (4, 3, 0, 60_000, .limited(retryAfter: 60)),
            (4, 3, 59_001, 60_000, .limited(retryAfter: 1)),
            (4, 3, 60_000, 60_000, .limited(retryAfter: 1)),
            (10, 3, 20_500, 60_000, .limited(retryAfter: 40)),
        ] as [(Int, Int, Int64, Int64, RateLimiter.Decision)])
    func decisions(calls: Int, limit: Int, now: Int64, end: Int64, decision: RateLimiter.Decision) {
        #expect(RateLimiter.decide(calls: calls, limit: limit, now: now, windowEnd: end) == decision)
    }

    @Test func windowsAreAlignedOnTheEpoch() {
        #expect(RateLimiter.window(containing: 1_700_000_040_000, length: 60_000) == (1_700_000_040_000, 1_700_000_100_000))
        #expect(RateLimiter.window(containing: 1_700_000_059_999, length: 60_000).start == 1_700_000_040_000)
    }

    @Test func aRateLimitNeedsTheServicesStore() throws {
        let yaml = """
            service: probe
            functions:
              hello:
                http: GET /hello
                auth: public
                rateLimit: { requests: 1, per: 1s }
            """
        #expect(throws: HostSetupError.self) {
            try FunctionHost(
                manifests: [try ManifestParser.parse(yaml: yaml, file: "probe.yaml")], bundles: [ProbeBundle.self],
                configuration: TestHost.defaultConfiguration())
        }
    }

    @Test func redactedPathParametersNeverReachTheAccessLog() async throws {
        let lines = LinesBox()
        let host = try await Self.host(clock: TestClock(0), accessLog: .capture { lines.append($0) })
        let token = "s3cr3t-Token_value"
        #expect(await host.request("POST", "/hooks/mpesa/\(token)", headers: ["X-Request-ID": "redact-1"]).status == 200)
        #expect(await host.request("POST", "/send", headers: ["X-Request-ID": "plain-1"]).status == 200)
        // Requests that match no route but carry the secret (a wrong method, a trailing slash)
        // hide it too, in the log and in the problem.
        let wrongMethod = await host.request("GET", "/hooks/mpesa/\(token)", headers: ["X-Request-ID": "redact-2"])
        #expect(wrongMethod.status == 405 && !wrongMethod.text.contains(token), "\(wrongMethod.text)")
        let trailing = await host.request("POST", "/hooks/mpesa/\(token)/", headers: ["X-Request-ID": "redact-3"])
        #expect(trailing.status == 404 && !trailing.text.contains(token), "\(trailing.text)")
        #expect(await host.shutdown())
        let logged = lines.lines.withLock { $0 }
        for id in ["redact-2", "redact-3"] {
            let line = try #require(logged.first { $0.contains(id) })
            #expect(!line.contains(token) && line.contains(#""path":"/hooks/[redacted]""#), "\(line)")
        }
        let hook = try #require(logged.first { $0.contains("redact-1") })
        #expect(!hook.contains(token))
        #expect(hook.contains(#""path":"/hooks/mpesa/[redacted]""#))
        #expect(logged.contains { $0.contains("plain-1") && $0.contains(#""path":"/send""#) })
    }

    @Test(arguments: [
        ("/hooks/mpesa/abc", "/hooks/mpesa/[redacted]"),
        ("/hooks/a%2Fb/abc", "/hooks/a%2Fb/[redacted]"),
        ("/elsewhere", "/hooks/{kind}/{token}"),
    ])
    func pathRedaction(path: String, logged: String) throws {
        let manifest = try ManifestParser.parse(yaml: QuotaBundle.manifest, file: "quota.yaml")
        let hook = try #require(manifest.functions.first { $0.name == "hook" })
        let redaction = try #require(PathRedaction(hook))
        #expect(redaction.redact(Substring(path)) == Substring(logged))
        #expect(PathRedaction(manifest.functions[0]) == nil)
    }
}
