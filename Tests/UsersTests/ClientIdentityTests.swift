import Crypto
import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest
import SokoSecurity
import SokoTesting
import Synchronization
import Testing
import Users

/// Third-party OAuth clients are not the platform: only a client flagged `"internal": true`
/// gets the `service` role; others get their scopes and reach only `auth: client` functions
/// whose `scopes:` they carry — never internal routes, never event delivery.
@Suite("OAuth clients are not internal services")
struct ClientIdentityTests {
    static let platformSecret = "the platform's own secret, long enough"
    static let partnerSecret = "an ERP vendor's secret, long enough too"
    static let webSecret = "a confidential web app's secret value"
    static let redirect = "https://partner.example/callback"

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static var clients: String {
        """
        [{"client_id":"platform","secret_sha256":"\(sha256(platformSecret))","internal":true},
         {"client_id":"erp","secret_sha256":"\(sha256(partnerSecret))","scope":"orders:read stock:read"},
         {"client_id":"partner-web","secret_sha256":"\(sha256(webSecret))","redirect_uris":["\(redirect)"]}]
        """
    }

    /// Events the `partner.onPaid` consumer received.
    static let received = Mutex<[String]>([])

    enum PartnerBundle: FunctionBundle {
        static let service = "partner"

        static func register(_ registry: inout FunctionRegistry) {
            registry.raw("report") { _, context in .text("report for \(context.identity?.subject ?? "-")") }
            registry.raw("stockLevels") { _, _ in .text("stock") }
            registry.raw("markPaid") { _, _ in .text("paid") }
            registry.event("onPaid") { (event: Event<JSONValue>, _) in
                ClientIdentityTests.received.withLock { $0.append(event.id) }
            }
        }

        static let manifest = """
            service: partner
            functions:
              report:
                http: GET /partner/orders-report
                auth: client
                scopes: [orders:read]
              stockLevels:
                http: GET /partner/stock
                auth: client
                scopes: [stock:write]
              markPaid:
                http: POST /internal/mark-paid
                auth: service
              onPaid:
                event: order.paid
            """
    }

    static func configuration() -> HostConfiguration {
        var configuration = TestHost.defaultConfiguration()
        configuration.environment.merge(["SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_OAUTH_CLIENTS": clients]) { $1 }
        return configuration
    }

    static func makeHost() async throws -> TestHost {
        let users = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        return try await TestHost(
            bundles: [UsersBundle.self, PartnerBundle.self],
            manifests: ["users.yaml": users, "partner.yaml": PartnerBundle.manifest], configuration: configuration())
    }

    static func clientToken(_ host: TestHost, id: String, secret: String) async throws -> String {
        let basic = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        let granted = await SessionTests.token(host, [("grant_type", "client_credentials")], headers: ["Authorization": basic])
        #expect(granted.status == 200, "\(granted.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(granted.body)) as? [String: Any])["access_token"]
            as! String
    }

    /// The claims of a JWT, unverified (the test only reads what was issued).
    static func claims(_ token: String) throws -> [String: Any] {
        let payload = try #require(token.split(separator: ".").dropFirst().first)
        let bytes = try #require(Base64URL.decode(String(payload)))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static let envelope = #"{"id":"evt-1","name":"order.paid","source":"orders","occurred_at":"x","payload":{"order":"o1"}}"#

    @Test func aThirdPartyClientGetsItsScopesAndNoServiceRole() async throws {
        let host = try await Self.makeHost()
        let partner = try await Self.clientToken(host, id: "erp", secret: Self.partnerSecret)
        let partnerClaims = try Self.claims(partner)
        #expect((partnerClaims["roles"] as? [String]) == [])
        #expect(partnerClaims["scope"] as? String == "orders:read stock:read")
        #expect(partnerClaims["sub"] as? String == "erp")
        let platform = try await Self.clientToken(host, id: "platform", secret: Self.platformSecret)
        #expect((try Self.claims(platform)["roles"] as? [String]) == ["service"])

        func call(_ method: String, _ path: String, _ token: String, body: String = "") async -> Int {
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            if !body.isEmpty { headers.add("Content-Type", "application/json") }
            return await host.request(method, path, headers: headers, body: Array(body.utf8)).status
        }
        // What its scopes allow, and nothing else.
        #expect(await call("GET", "/partner/orders-report", partner) == 200)
        #expect(await call("GET", "/partner/stock", partner) == 403)  // needs stock:write
        #expect(await call("POST", "/internal/mark-paid", partner) == 403)
        #expect(await call("GET", "/users/me", partner) == 403)
        #expect(await call("POST", "/_soko/events/partner/onPaid", partner, body: Self.envelope) == 403)
        #expect(!Self.received.withLock { $0.contains("evt-1") })
        // The platform's own identity is not narrowed.
        #expect(await call("POST", "/internal/mark-paid", platform) == 200)
        #expect(await call("GET", "/partner/orders-report", platform) == 200)
        #expect((200..<300).contains(await call("POST", "/_soko/events/partner/onPaid", platform, body: Self.envelope)))
        #expect(Self.received.withLock { $0.contains("evt-1") })
        // Asking for more than configured is refused.
        let basic = "Basic " + Data("erp:\(Self.partnerSecret)".utf8).base64EncodedString()
        let greedy = await SessionTests.token(
            host, [("grant_type", "client_credentials"), ("scope", "orders:read orders:write")],
            headers: ["Authorization": basic])
        #expect(greedy.status == 400)
        #expect(await host.shutdown())
    }

    /// The same, over real sockets: a partner's token cannot post events (e.g. mark an order
    /// paid) nor call internal routes.
    @Test func overSocketsAPartnerTokenReachesNeitherEventsNorInternalRoutes() async throws {
        let users = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        var configuration = Self.configuration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 1
        let host = try FunctionHost(
            manifests: [
                try ManifestParser.parse(yaml: users, file: "users.yaml"),
                try ManifestParser.parse(yaml: PartnerBundle.manifest, file: "partner.yaml"),
            ], bundles: [UsersBundle.self, PartnerBundle.self], configuration: configuration)
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let running = try await host.start(on: group)
        let base = "http://127.0.0.1:\(running.port)"

        func token(_ id: String, _ secret: String) async throws -> String {
            let answer = try await RemoteKeysTests.curl([
                "-X", "POST", base + "/oauth/token", "-u", "\(id):\(secret)", "-d", "grant_type=client_credentials",
            ])
            return try #require(
                (try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])?["access_token"] as? String)
        }
        func status(_ method: String, _ path: String, _ token: String, body: String? = nil) async throws -> String {
            var arguments = [
                "-o", "/dev/null", "-w", "%{http_code}", "-X", method, base + path, "-H", "Authorization: Bearer \(token)",
            ]
            if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
            return try await RemoteKeysTests.curl(arguments)
        }
        let partner = try await token("erp", Self.partnerSecret)
        let envelope = Self.envelope.replacingOccurrences(of: "evt-1", with: "evt-sockets")
        // Bound first, so that a failure shows the status that came back.
        let eventPost = try await status("POST", "/_soko/events/partner/onPaid", partner, body: envelope)
        #expect(eventPost == "403")
        let internalCall = try await status("POST", "/internal/mark-paid", partner, body: "{}")
        #expect(internalCall == "403")
        #expect(try await status("GET", "/partner/orders-report", partner) == "200")
        #expect(!Self.received.withLock { $0.contains("evt-sockets") })
        let platform = try await token("platform", Self.platformSecret)
        #expect(try await status("POST", "/_soko/events/partner/onPaid", platform, body: envelope).hasPrefix("2"))
        #expect(Self.received.withLock { $0.contains("evt-sockets") })
        #expect(await running.stop(drainTimeout: .seconds(2)))
    }

    /// RFC 6749 §6: a refresh token issued to a confidential client is redeemed only with the
    /// client's credentials; a leaked token alone buys nothing.
    @Test func aConfidentialClientsRefreshTokenNeedsItsSecret() async throws {
        let host = try await Self.makeHost()
        _ = try await UsersTests.register(host)
        let query =
            "response_type=code&client_id=partner-web&redirect_uri=\(FormValue.encode(Self.redirect))"
            + "&code_challenge=\(AuthorizationCodeTests.challenge)&code_challenge_method=S256&state=s"
        let signIn = await host.request(
            "POST", "/oauth/authorize", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array((query + "&email=ann%40example.com&password=long+enough+pw").utf8))
        #expect(signIn.status == 302)
        let location = try #require(signIn.headers["Location"])
        let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
        let basic: HTTPHeaders = ["Authorization": "Basic " + Data("partner-web:\(Self.webSecret)".utf8).base64EncodedString()]
        let exchanged = await SessionTests.token(
            host,
            [
                ("grant_type", "authorization_code"), ("code", code), ("code_verifier", AuthorizationCodeTests.verifier),
                ("redirect_uri", Self.redirect),
            ], headers: basic)
        #expect(exchanged.status == 200, "\(exchanged.text)")
        let refreshToken = try exchanged.json(UsersTests.Tokens.self).refreshToken

        let bare = await SessionTests.token(host, [("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
        #expect(bare.status == 401)
        #expect(bare.text.contains(#""error":"invalid_client""#))
        let idOnly = await SessionTests.token(
            host, [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "partner-web")])
        #expect(idOnly.status == 401)
        let wrongSecret = await SessionTests.token(
            host,
            [
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "partner-web"),
                ("client_secret", "not the secret"),
            ])
        #expect(wrongSecret.status == 401)
        let otherClient = await SessionTests.token(
            host, [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
            headers: ["Authorization": "Basic " + Data("erp:\(Self.partnerSecret)".utf8).base64EncodedString()])
        #expect(otherClient.status == 401)
        // The refused attempts did not spend it: the client itself still can, by form or Basic.
        let viaForm = await SessionTests.token(
            host,
            [
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "partner-web"),
                ("client_secret", Self.webSecret),
            ])
        #expect(viaForm.status == 200, "\(viaForm.text)")
        let next = try viaForm.json(UsersTests.Tokens.self).refreshToken
        let viaBasic = await SessionTests.token(
            host, [("grant_type", "refresh_token"), ("refresh_token", next)], headers: basic)
        #expect(viaBasic.status == 200)
        #expect(await host.shutdown())
    }

    /// First-party sign-ins are public clients: their refresh needs no secret.
    @Test func aFirstPartyRefreshNeedsNoSecret() async throws {
        let host = try await Self.makeHost()
        _ = try await UsersTests.register(host)
        let tokens = try await UsersTests.login(host).json(UsersTests.Tokens.self)
        let refreshed = await SessionTests.token(
            host, [("grant_type", "refresh_token"), ("refresh_token", tokens.refreshToken), ("client_id", "first-party")])
        #expect(refreshed.status == 200)
        #expect(await host.shutdown())
    }
}
