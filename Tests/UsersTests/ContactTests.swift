import Crypto
import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoTesting
import Testing
import Users

/// What the notifications service needs from Users: `user.registered` written with the account,
/// and `contact` (service only) to address order emails.
@Suite("Users for notifications")
struct ContactTests {
    static let secret = "notifications-secret"

    static func makeHost() async throws -> TestHost {
        let digest = SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        var configuration = TestHost.defaultConfiguration()
        configuration.environment = [
            "SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_TOKEN_ISSUER": "https://soko.test",
            "SOKO_OAUTH_CLIENTS": #"[{"client_id":"notifications","secret_sha256":"\#(digest)","internal":true}]"#,
        ]
        let manifest = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        return try await TestHost(bundles: [UsersBundle.self], manifests: ["users.yaml": manifest], configuration: configuration)
    }

    static func serviceToken(_ host: TestHost) async throws -> String {
        let form = "grant_type=client_credentials&client_id=notifications&client_secret=\(secret)"
        let response = await host.request(
            "POST", "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8))
        try #require(response.status == 200, "\(response.text)")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return try #require(object?["access_token"] as? String)
    }

    static func outbox(_ host: TestHost) async throws -> [(name: String, payload: [String: String])] {
        let rows = try await host.host.stores.store(for: "users").query(
            "SELECT name, payload FROM soko_outbox ORDER BY seq", [])
        return try rows.map { row in
            let payload = try JSONDecoder().decode([String: String].self, from: Data((try row.string("payload") ?? "").utf8))
            return (try row.string("name") ?? "", payload)
        }
    }

    @Test func registeringWritesUserRegisteredWithTheAccountAndARefusalWritesNothing() async throws {
        let host = try await Self.makeHost()
        let created = try await UsersTests.register(host, "Ann@Example.com")
        #expect(created.status == 201)
        let id = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])["id"] as? String
        // Taken email and invalid input: no account, so no event.
        #expect(try await UsersTests.register(host, "ann@example.com").status == 409)
        #expect(try await UsersTests.register(host, "not an email").status == 422)

        // user.registered, and the verification mail's request (no token in it).
        let all = try await Self.outbox(host)
        #expect(all.map(\.name) == ["user.registered", "user.verification_requested"])
        #expect(all.last?.payload["user_id"] == id && all.last?.payload.keys.sorted() == ["request_id", "user_id"])
        let events = all.filter { $0.name == "user.registered" }
        #expect(events.count == 1)
        #expect(events.first?.payload == ["user_id": id ?? "", "email": "ann@example.com", "name": "Ann"])
        #expect(await host.shutdown())
    }

    @Test func contactAnswersServicesOnly() async throws {
        let host = try await Self.makeHost()
        let created = try await UsersTests.register(host)
        let id = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])["id"] as? String
        let service = try await Self.serviceToken(host)
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(service)"]

        let found = try await host.request("POST", "/internal/users/contact", headers: bearer, json: ["user_id": id ?? ""])
        #expect(found.status == 200)
        let contact = try JSONSerialization.jsonObject(with: Data(found.body)) as? [String: String]
        #expect(contact == ["user_id": id ?? "", "email": "ann@example.com", "name": "Ann"])

        let unknown = try await host.request("POST", "/internal/users/contact", headers: bearer, json: ["user_id": "usr_nobody"])
        #expect(unknown.status == 404)
        #expect(unknown.problem?.code == "user-not-found")
        let control = try await host.request("POST", "/internal/users/contact", headers: bearer, json: ["user_id": "usr_\u{0}"])
        #expect(control.status == 404)
        let empty = try await host.request("POST", "/internal/users/contact", headers: bearer, json: ["user_id": ""])
        #expect(empty.status == 422)

        // A customer's token, or none, gets nothing.
        let login = try await UsersTests.login(host)
        let customer = try #require(try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: Any])["access_token"]
        let asCustomer = try await host.request(
            "POST", "/internal/users/contact", headers: ["Authorization": "Bearer \(customer as? String ?? "")"],
            json: ["user_id": id ?? ""])
        #expect(asCustomer.status == 403)
        let anonymous = try await host.request("POST", "/internal/users/contact", json: ["user_id": id ?? ""])
        #expect(anonymous.status == 401)
        #expect(await host.shutdown())
    }
}
