import Glibc
import SokoFunctions
import SokoManifest
import SokoSecurity
import SokoTesting
import Synchronization
import Testing

@testable import SokoHost

/// How many `callOut` handlers have started, and how many have ended.
private let calls = Mutex<(started: Int, ended: Int)>((0, 0))

/// A service whose sign-in hashes a password on the compute threads, and whose `callOut` invokes a
/// function of another unit — a callee that takes the connection and never answers. It is also
/// its own identity provider, so the service token comes in-process and the calls reach the callee.
enum HungCalleeBundle: FunctionBundle {
    static let service = "hung"

    static func register(_ registry: inout FunctionRegistry) {
        let hasher = PasswordHasher(
            parameters: .init(memoryKiB: 1024, iterations: 1, parallelism: 1), pool: registry.compute)
        registry.raw("login") { _, _ in
            _ = try await hasher.hash("a password that takes compute")
            return .noContent
        }
        registry.raw("callOut") { _, context in
            calls.withLock { $0.started += 1 }
            defer { calls.withLock { $0.ended += 1 } }
            guard let invoker = context.invoker else { return FunctionResponse(status: 500) }
            return try await invoker.invoke(
                service: "remote", function: "wait", body: Array("{}".utf8), idempotent: false, caller: context)
        }
        registry.raw("token") { _, _ in
            FunctionResponse(status: 200, body: Array(#"{"access_token":"service-token","expires_in":3600}"#.utf8))
        }
        registry.raw("jwks") { _, _ in FunctionResponse(status: 200, body: Array(#"{"keys":[]}"#.utf8)) }
    }

    static let manifest = """
        service: hung
        identity: { token: token, jwks: jwks }
        functions:
          login:
            http: POST /login
            auth: public
          callOut:
            http: POST /call-out
            auth: public
            concurrency: 100
            timeout: 30s
          token:
            http: POST /oauth/token
            auth: public
          jwks:
            http: GET /jwks
            auth: public
        """

}

/// The callee's service: known to the host through its manifest, served elsewhere (here: by a
/// socket that never answers).
enum RemoteStubBundle: FunctionBundle {
    static let service = "remote"

    static func register(_ registry: inout FunctionRegistry) {
        registry.raw("wait") { _, _ in .noContent }
    }

    static let manifest = """
        service: remote
        functions:
          wait:
            http: POST /wait
            auth: service
        """
}

@Suite("Outgoing calls on the loops", .serialized)
struct HungCalleeTests {
    /// Fifty calls hang on a callee that never answers while sign-ins, which hash on the two
    /// compute threads, all complete. With the old blocking client each hung call held a compute
    /// thread for its whole timeout: two of them and every sign-in waited 30 s behind them, so the
    /// sign-ins would finish only after the calls had (this test would fail, or hang for minutes).
    @Test func signInsCompleteWhileFiftyCallsHangOnACallee() async throws {
        let callee = try LoopbackPort.listener()
        defer { close(callee.fd) }
        var configuration = TestHost.defaultConfiguration()
        configuration.service = "hung"
        configuration.computeThreads = 2
        configuration.environment["SOKO_SERVICE_URL_REMOTE"] = "http://127.0.0.1:\(callee.port)"
        configuration.environment["SOKO_SERVICE_CLIENT_ID"] = "hung"
        configuration.environment["SOKO_SERVICE_CLIENT_SECRET"] = "a secret"
        let host = try await TestHost(
            bundles: [HungCalleeBundle.self, RemoteStubBundle.self],
            manifests: ["hung.yaml": HungCalleeBundle.manifest, "remote.yaml": RemoteStubBundle.manifest],
            configuration: configuration)
        calls.withLock { $0 = (0, 0) }

        let hung = (0..<50).map { _ in Task { await host.request("POST", "/call-out").status } }
        // Every call is in its handler, on its way to (or waiting on) the callee.
        while calls.withLock({ $0.started }) < 50 { await Task.yield() }

        let logins = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { await host.request("POST", "/login").status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(logins == Array(repeating: 204, count: 20))
        #expect(calls.withLock { $0.ended } == 0, "a call to the hung callee ended before the sign-ins did")

        // Shutting down fails the transfers still waiting: each call then answers.
        #expect(await host.shutdown())
        for call in hung { #expect(await call.value >= 500) }
    }
}
