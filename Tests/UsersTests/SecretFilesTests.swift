import Crypto
import Foundation
import SokoHost
import SokoTesting
import Testing
import Users

/// Secrets the manifest lists under `secrets:` may come as files (`<NAME>_FILE`), as Kubernetes
/// mounts them; a file that cannot be read, or a value the bundle cannot use, stops the host.
@Suite("Secrets as files")
struct SecretFilesTests {
    static func users(_ environment: [String: String]) async throws -> TestHost {
        var configuration = TestHost.defaultConfiguration()
        configuration.environment = ["SOKO_ARGON2_MEMORY_KIB": "1024"].merging(environment) { $1 }
        let manifest = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        #expect(manifest.contains("secrets: [SOKO_OAUTH_CLIENTS]"))
        return try await TestHost(bundles: [UsersBundle.self], manifests: ["users.yaml": manifest], configuration: configuration)
    }

    @Test func theOAuthClientsComeFromAFile() async throws {
        let secret = "a file-borne service secret"
        let digest = SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soko-clients-\(UUID().uuidString)").path
        try #"[{"client_id":"orders","secret_sha256":"\#(digest)","internal":true}]"#.appending("\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let host = try await Self.users(["SOKO_OAUTH_CLIENTS_FILE": file])
        let granted = await SessionTests.token(
            host, [("grant_type", "client_credentials"), ("client_id", "orders"), ("client_secret", secret)])
        #expect(granted.status == 200, "\(granted.text)")
        #expect(await host.shutdown())
    }

    @Test func anUnreadableFileStopsTheHostNamingTheVariable() async throws {
        let error = await #expect(throws: HostSetupError.self) {
            _ = try await Self.users(["SOKO_OAUTH_CLIENTS_FILE": "/nonexistent/soko/clients.json"])
        }
        #expect(error?.description == "SOKO_OAUTH_CLIENTS_FILE=/nonexistent/soko/clients.json cannot be read")
    }

    @Test(arguments: [#"{"client_id":"x"}"#, "not json", #"[{"client_id":"x","secret_sha256":"abc"}]"#])
    func malformedClientsStopTheHost(_ clients: String) async throws {
        let error = await #expect(throws: HostSetupError.self) {
            _ = try await Self.users(["SOKO_OAUTH_CLIENTS": clients])
        }
        #expect(error?.description.contains("SOKO_OAUTH_CLIENTS") == true)
    }

    @Test(arguments: ["SOKO_DATABASE_URL_FILE", "SOKO_SERVICE_CLIENT_SECRET_FILE", "SOKO_SMTP_PASSWORD_FILE"])
    func theHostsOwnSecretFilesMustBeReadable(_ variable: String) throws {
        // A missing database URL must not quietly become a local SQLite file, nor a missing client
        // secret a service that cannot call the others.
        #expect(throws: (any Error).self) {
            _ = try HostConfiguration.fromEnvironment([variable: "/nonexistent/soko/secret", "SOKO_DATA": "/tmp"])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soko-secret-\(UUID().uuidString)").path
        try "postgresql://soko:pw@db:5432/x\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let configuration = try HostConfiguration.fromEnvironment([variable: file])
        let name = String(variable.dropLast("_FILE".count))
        #expect(configuration.environment[name] == "postgresql://soko:pw@db:5432/x")
    }
}
