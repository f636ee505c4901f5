import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest
import SokoTesting
import Testing
import Users

/// A process that does not serve Users verifies its tokens with the JWKS it fetches over HTTP.
@Suite("Remote signing keys")
struct RemoteKeysTests {
    /// The Users service from its shipped manifest, over real HTTP on loopback (one loop, cheap hashing).
    static func serveUsers() async throws -> RunningHost {
        var configuration = TestHost.defaultConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 1
        configuration.environment["SOKO_ARGON2_MEMORY_KIB"] = "1024"
        let manifest = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        let users = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: manifest, file: "users.yaml")], bundles: [UsersBundle.self],
            configuration: configuration)
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        return try await users.start(on: group)
    }

    enum GuardedBundle: FunctionBundle {
        static let service = "guarded"
        static func register(_ registry: inout FunctionRegistry) {
            registry.raw("whoami") { _, context in .text(context.identity?.subject ?? "-") }
        }
        static let manifest = """
            service: guarded
            functions:
              whoami:
                http: GET /whoami
                auth: customer
            """
    }

    /// `curl -s arguments`, waited for on a Dispatch thread: a test that blocked a thread of the
    /// cooperative pool (two on a two-core machine) would starve the in-process host it is calling,
    /// whose handlers need that pool — the 504s such tests used to see under parallel runs.
    static func curl(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["curl", "-s"] + arguments
                    let out = Pipe()
                    process.standardOutput = out
                    try process.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    @Test func tokensVerifyAgainstTheJWKSFetchedOverHTTP() async throws {
        // The Users service, over real HTTP on loopback.
        let running = try await Self.serveUsers()
        let base = "http://127.0.0.1:\(running.port)"
        _ = try await Self.curl([
            "-X", "POST", base + "/users/register", "-H", "Content-Type: application/json",
            "-d", #"{"email":"rita@example.com","password":"long enough pw","name":"Rita"}"#,
        ])
        let login = try await Self.curl([
            "-X", "POST", base + "/auth/login", "-H", "Content-Type: application/json",
            "-d", #"{"email":"rita@example.com","password":"long enough pw"}"#,
        ])
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["access_token"] as? String)

        // Another process's view: no Users bundle, only its JWKS URL.
        var configuration = TestHost.defaultConfiguration()
        configuration.environment = ["SOKO_JWKS_URL": base + "/.well-known/jwks.json"]
        let guarded = try await TestHost(
            bundles: [GuardedBundle.self], manifests: ["guarded.yaml": GuardedBundle.manifest], configuration: configuration)
        let response = await guarded.request("GET", "/whoami", headers: ["Authorization": "Bearer \(token)"])
        #expect(response.status == 200)
        #expect(response.text.hasPrefix("usr_"))
        #expect(await guarded.request("GET", "/whoami").status == 401)
        #expect(await guarded.shutdown())
        #expect(await running.stop(drainTimeout: .seconds(2)))
    }
}
