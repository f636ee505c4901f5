import Foundation
import SokoFunctions
import SokoHost
import SokoSecurity
import SokoTesting
import Testing
import Users

/// The Users bundle through the real router, middleware and auth policy, in-process.
@Suite("Users")
struct UsersTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func makeHost() async throws -> TestHost {
        var configuration = TestHost.defaultConfiguration()
        // Cheaper Argon2 memory for tests; the OWASP parameters are checked in SokoSecurityTests.
        configuration.environment = ["SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_TOKEN_ISSUER": "https://soko.test"]
        let manifest = try String(contentsOfFile: repository + "/manifests/functions/users.yaml", encoding: .utf8)
        return try await TestHost(bundles: [UsersBundle.self], manifests: ["users.yaml": manifest], configuration: configuration)
    }

    struct Credentials: Encodable {
        var email: String
        var password: String
        var name: String?
    }

    struct Tokens: Decodable {
        var accessToken: String
        var tokenType: String
        var expiresIn: Int
        var refreshToken: String

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case refreshToken = "refresh_token"
        }
    }

    static func register(_ host: TestHost, _ email: String = "Ann@Example.com") async throws -> TestResponse {
        try await host.request(
            "POST", "/users/register", json: Credentials(email: email, password: "long enough pw", name: "Ann"))
    }

    static func login(_ host: TestHost, _ email: String = "ann@example.com", _ password: String = "long enough pw")
        async throws -> TestResponse
    {
        try await host.request("POST", "/auth/login", json: Credentials(email: email, password: password))
    }

    @Test func registerCreatesANormalisedAccountWithoutPasswordFields() async throws {
        let host = try await Self.makeHost()
        let response = try await Self.register(host)
        #expect(response.status == 201)
        #expect(response.text.contains(#""email":"ann@example.com""#))
        #expect(!response.text.contains("password"))
        #expect(response.text.contains(#""roles":["customer"]"#))
        let again = try await Self.register(host, "  ANN@example.COM ")
        #expect(again.status == 409)
        #expect(again.problem?.code == "email-taken")
        #expect(await host.shutdown())
    }

    @Test(arguments: [
        (#"{"email":"a@b.co","password":"short","name":"A"}"#, 422, "password"),
        (#"{"email":"bob@example.com","password":"BOB@example.com","name":"A"}"#, 422, "password"),
        (#"{"email":"not-an-email","password":"long enough pw","name":"A"}"#, 422, "email"),
        (#"{"email":"a@b.co","password":"long enough pw","name":""}"#, 422, "name"),
        (#"{"email":"a@b.co","password":"long enough pw"}"#, 422, "name"),
        (#"{"email":"a@b.co","password":"#, 400, ""),
    ])
    func registerRefusesBadInput(_ body: String, _ status: Int, _ field: String) async throws {
        let host = try await Self.makeHost()
        let response = await host.request(
            "POST", "/users/register", headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        if !field.isEmpty { #expect(response.problem?.errors?.contains { $0.field == field } == true) }
        #expect(await host.shutdown())
    }

    @Test func oversizedFieldsAreRefusedBeforeTheHandler() async throws {
        let host = try await Self.makeHost()
        let name = String(repeating: "n", count: 20_000)
        let response = try await host.request(
            "POST", "/users/register", json: Credentials(email: "big@example.com", password: "long enough pw", name: name))
        #expect(response.status == 413)
        #expect(await host.shutdown())
    }

    @Test func loginIssuesTokensAndTheSameErrorForUnknownEmailAndWrongPassword() async throws {
        let host = try await Self.makeHost()
        _ = try await Self.register(host)
        let response = try await Self.login(host)
        #expect(response.status == 200)
        let tokens = try response.json(Tokens.self)
        #expect(tokens.tokenType == "Bearer")
        #expect(tokens.expiresIn == 900)
        #expect(!tokens.refreshToken.isEmpty)
        let wrong = try await Self.login(host, "ann@example.com", "not the password")
        let unknown = try await Self.login(host, "nobody@example.com", "long enough pw")
        #expect(wrong.status == 401)
        #expect(unknown.status == 401)
        #expect(wrong.problem?.detail == unknown.problem?.detail)
        #expect(await host.shutdown())
    }

    @Test func meNeedsAValidBearerToken() async throws {
        let host = try await Self.makeHost()
        _ = try await Self.register(host)
        let tokens = try await Self.login(host).json(Tokens.self)
        let me = await host.request("GET", "/users/me", headers: ["Authorization": "Bearer \(tokens.accessToken)"])
        #expect(me.status == 200)
        #expect(me.text.contains(#""email":"ann@example.com""#))

        let missing = await host.request("GET", "/users/me")
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)

        var parts = tokens.accessToken.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Array(#"{"sub":"someone-else"}"#.utf8))
        let tampered = await host.request(
            "GET", "/users/me", headers: ["Authorization": "Bearer \(parts.joined(separator: "."))"])
        #expect(tampered.status == 401)
        #expect(tampered.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)

        let none = await host.request("GET", "/users/me", headers: ["Authorization": "Bearer e30.e30."])
        #expect(none.status == 401)
        #expect(await host.shutdown())
    }

    @Test func jwksPublishesTheKeyThatSignsAndDiscoveryPointsAtIt() async throws {
        let host = try await Self.makeHost()
        _ = try await Self.register(host)
        let tokens = try await Self.login(host).json(Tokens.self)
        let jwks = try await host.request("GET", "/.well-known/jwks.json").json(JWKS.self)
        let header =
            try JSONSerialization.jsonObject(
                with: Data(Base64URL.decode(tokens.accessToken.split(separator: ".")[0])!)) as! [String: String]
        // Two keys are published (the signing one first, the next one for rotation).
        #expect(jwks.keys.count == 2)
        #expect(jwks.keys.first?.kid == header["kid"]!)
        let discovery = await host.request("GET", "/.well-known/oauth-authorization-server")
        #expect(discovery.text.contains(#""issuer":"https://soko.test""#))
        #expect(discovery.text.contains(#""jwks_uri":"https://soko.test/.well-known/jwks.json""#))
        #expect(await host.shutdown())
    }

    @Test func pyJWTVerifiesALoginTokenAgainstThePublishedJWKS() async throws {
        let host = try await Self.makeHost()
        _ = try await Self.register(host)
        let tokens = try await Self.login(host).json(Tokens.self)
        let jwks = await host.request("GET", "/.well-known/jwks.json")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-users-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(jwks.body).write(to: folder.appendingPathComponent("jwks.json"))
        let result = try await ChildProcess.run(command: [
            "python3", Self.repository + "/Tests/SokoSecurityTests/Oracle/verify_with_pyjwt.py",
            folder.appendingPathComponent("jwks.json").path, tokens.accessToken, "https://soko.test", "soko",
        ])
        let output = result.combined
        #expect(result.status == 0, "PyJWT refused: \(output)")
        #expect(output.contains(#""roles": ["customer"]"#))
        #expect(await host.shutdown())
    }
}

@Suite("Login throttling")
struct LoginThrottleTests {
    @Test func repeatedFailuresDelayTheAccountWithRetryAfterAndTheSameAnswerForUnknownEmails() async throws {
        let host = try await UsersTests.makeHost()
        _ = try await UsersTests.register(host)
        for _ in 0..<5 {
            #expect(try await UsersTests.login(host, "ann@example.com", "wrong password!").status == 401)
        }
        let locked = try await UsersTests.login(host, "ann@example.com", "long enough pw")
        #expect(locked.status == 429)
        // The first delay after five failures is a second, not a 15-minute lockout.
        #expect(locked.headers["Retry-After"] == "1")
        // An unknown email is throttled the same way, so the limit does not reveal accounts.
        for _ in 0..<5 { _ = try await UsersTests.login(host, "ghost@example.com", "wrong password!") }
        #expect(try await UsersTests.login(host, "ghost@example.com", "wrong password!").status == 429)
        #expect(await host.shutdown())
    }

    @Test func guessesSentAllAtOnceAreCountedLikeGuessesInARow() async throws {
        let host = try await UsersTests.makeHost()
        _ = try await UsersTests.register(host)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await UsersTests.login(host, "ann@example.com", "wrong password!").status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count == 5)  // only five passwords were actually tried
        #expect(statuses.filter { $0 == 429 }.count == 15)
        #expect(await host.shutdown())
    }
}
