import Crypto
import Foundation
import SokoFunctions
import SokoSecurity
import SokoTesting
import Testing
import Users

/// Refresh rotation, client credentials, logout, password change and profile updates.
@Suite("Users sessions")
struct SessionTests {
    typealias Tokens = UsersTests.Tokens

    static func form(_ pairs: [(String, String)]) -> [UInt8] {
        Array(
            pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
                .joined(separator: "&").utf8)
    }

    static func token(_ host: TestHost, _ pairs: [(String, String)], headers: HTTPHeaders = HTTPHeaders()) async
        -> TestResponse
    {
        var headers = headers
        headers.add("Content-Type", "application/x-www-form-urlencoded")
        return await host.request("POST", "/oauth/token", headers: headers, body: form(pairs))
    }

    static func signedIn() async throws -> (TestHost, Tokens) {
        let host = try await UsersTests.makeHost()
        _ = try await UsersTests.register(host)
        return (host, try await UsersTests.login(host).json(Tokens.self))
    }

    @Test func refreshRotatesAndReuseRevokesTheWholeFamily() async throws {
        let (host, first) = try await Self.signedIn()
        let rotated = await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", first.refreshToken)])
        #expect(rotated.status == 200)
        #expect(rotated.headers["Cache-Control"] == "no-store")
        let second = try rotated.json(Tokens.self)
        #expect(second.refreshToken != first.refreshToken)

        // The spent token comes back (it leaked): refused, and its successor dies with it.
        let reuse = await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", first.refreshToken)])
        #expect(reuse.status == 400)
        #expect(reuse.text.contains(#""error":"invalid_grant""#))
        let successor = await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", second.refreshToken)])
        #expect(successor.status == 400)
        #expect(await host.shutdown())
    }

    @Test func badGrantsGetRFC6749Errors() async throws {
        let (host, _) = try await Self.signedIn()
        #expect(await Self.token(host, []).text.contains(#""error":"invalid_request""#))
        #expect(await Self.token(host, [("grant_type", "password")]).text.contains(#""error":"unsupported_grant_type""#))
        let unknown = await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", "made-up")])
        #expect(unknown.status == 400)
        #expect(unknown.text.contains(#""error":"invalid_grant""#))
        #expect(await host.shutdown())
    }

    @Test func clientCredentialsIssueServiceTokens() async throws {
        let secret = "orders-secret-value"
        let digest = SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        var configuration = TestHost.defaultConfiguration()
        configuration.environment = [
            "SOKO_ARGON2_MEMORY_KIB": "1024",
            "SOKO_OAUTH_CLIENTS": #"[{"client_id":"orders","secret_sha256":"\#(digest)","scope":"stock:write","internal":true}]"#,
        ]
        let manifest = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        let host = try await TestHost(
            bundles: [UsersBundleType.bundle], manifests: ["users.yaml": manifest], configuration: configuration)

        let basic = "Basic " + Data("orders:\(secret)".utf8).base64EncodedString()
        let viaBasic = await Self.token(host, [("grant_type", "client_credentials")], headers: ["Authorization": basic])
        #expect(viaBasic.status == 200)
        let tokens = try JSONSerialization.jsonObject(with: Data(viaBasic.body)) as! [String: Any]
        #expect(tokens["refresh_token"] == nil)
        #expect(tokens["scope"] as? String == "stock:write")
        let viaForm = await Self.token(
            host, [("grant_type", "client_credentials"), ("client_id", "orders"), ("client_secret", secret)])
        #expect(viaForm.status == 200)
        let greedy = await Self.token(
            host,
            [
                ("grant_type", "client_credentials"), ("client_id", "orders"), ("client_secret", secret),
                ("scope", "stock:write admin"),
            ])
        #expect(greedy.status == 400)
        #expect(greedy.text.contains(#""error":"invalid_scope""#))
        let wrong = await Self.token(
            host, [("grant_type", "client_credentials"), ("client_id", "orders"), ("client_secret", "nope")])
        #expect(wrong.status == 401)
        #expect(wrong.text.contains(#""error":"invalid_client""#))
        // A service token is not a customer's: /users/me refuses it with 403.
        let me = await host.request("GET", "/users/me", headers: ["Authorization": "Bearer \(tokens["access_token"] as! String)"])
        #expect(me.status == 403)
        #expect(await host.shutdown())
    }

    @Test func logoutRevokesThePresentedRefreshToken() async throws {
        let (host, tokens) = try await Self.signedIn()
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(tokens.accessToken)"]
        let logout = try await host.request("POST", "/auth/logout", headers: bearer, json: ["refresh_token": tokens.refreshToken])
        #expect(logout.status == 204)
        let refresh = await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", tokens.refreshToken)])
        #expect(refresh.status == 400)
        #expect(await host.shutdown())
    }

    @Test func changingThePasswordRevokesEveryRefreshToken() async throws {
        let (host, tokens) = try await Self.signedIn()
        let other = try await UsersTests.login(host).json(Tokens.self)
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(tokens.accessToken)"]
        let wrong = try await host.request(
            "POST", "/users/me/password", headers: bearer,
            json: ["current_password": "not it at all", "new_password": "a brand new password"])
        #expect(wrong.status == 403)
        let weak = try await host.request(
            "POST", "/users/me/password", headers: bearer, json: ["current_password": "long enough pw", "new_password": "short"])
        #expect(weak.status == 422)
        let changed = try await host.request(
            "POST", "/users/me/password", headers: bearer,
            json: ["current_password": "long enough pw", "new_password": "a brand new password"])
        #expect(changed.status == 204)
        for refresh in [tokens.refreshToken, other.refreshToken] {
            #expect(await Self.token(host, [("grant_type", "refresh_token"), ("refresh_token", refresh)]).status == 400)
        }
        #expect(try await UsersTests.login(host, "ann@example.com", "long enough pw").status == 401)
        #expect(try await UsersTests.login(host, "ann@example.com", "a brand new password").status == 200)
        #expect(await host.shutdown())
    }

    @Test func updateMeValidatesAndSaves() async throws {
        let (host, tokens) = try await Self.signedIn()
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(tokens.accessToken)", "Content-Type": "application/json"]
        let bad = await host.request("PATCH", "/users/me", headers: bearer, body: Array(#"{"phone":"0712345678"}"#.utf8))
        #expect(bad.status == 422)
        #expect(bad.problem?.errors?.first?.field == "phone")
        let good = await host.request(
            "PATCH", "/users/me", headers: bearer,
            body: Array(#"{"name":"Ann B","phone":"+254712345678","shipping_address":{"city":"Nairobi"}}"#.utf8))
        #expect(good.status == 200)
        #expect(good.text.contains(#""phone":"+254712345678""#))
        #expect(good.text.contains(#""shipping_address":{"city":"Nairobi"}"#))
        let me = await host.request("GET", "/users/me", headers: bearer)
        #expect(me.text.contains(#""name":"Ann B""#))
        #expect(await host.shutdown())
    }
}

/// The bundle type, for building hosts with custom configurations.
enum UsersBundleType {
    static let bundle: any FunctionBundle.Type = UsersBundle.self
}
