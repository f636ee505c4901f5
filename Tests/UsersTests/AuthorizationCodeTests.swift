import Crypto
import Foundation
import SokoFunctions
import SokoSecurity
import SokoTesting
import Testing

/// The authorization-code flow with PKCE (S256), through the sign-in form and the token endpoint.
@Suite("Authorization code with PKCE")
struct AuthorizationCodeTests {
    static let redirect = "https://shop.example/callback"
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  // RFC 7636 appendix B
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    static func makeHost(scope: String? = nil) async throws -> TestHost {
        var configuration = TestHost.defaultConfiguration()
        let granted = scope.map { #","scope":"\#($0)""# } ?? ""
        configuration.environment = [
            "SOKO_ARGON2_MEMORY_KIB": "1024",
            "SOKO_OAUTH_CLIENTS": #"[{"client_id":"storefront","redirect_uris":["\#(redirect)"]\#(granted)}]"#,
        ]
        let manifest = try String(contentsOfFile: UsersTests.repository + "/manifests/functions/users.yaml", encoding: .utf8)
        let host = try await TestHost(
            bundles: [UsersBundleType.bundle], manifests: ["users.yaml": manifest], configuration: configuration)
        _ = try await UsersTests.register(host)
        return host
    }

    static func authorizeQuery(challenge: String = challenge, redirect: String = redirect, method: String = "S256") -> String {
        "response_type=code&client_id=storefront&redirect_uri=\(FormValue.encode(redirect))&code_challenge=\(challenge)"
            + "&code_challenge_method=\(method)&state=xyz"
    }

    /// Signs in through the form and returns the code from the redirect.
    static func code(_ host: TestHost) async throws -> String {
        let body = authorizeQuery() + "&email=ann%40example.com&password=long+enough+pw"
        let response = await host.request(
            "POST", "/oauth/authorize", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
        #expect(response.status == 302)
        let location = try #require(response.headers["Location"])
        #expect(location.hasPrefix(redirect + "?"))
        #expect(location.contains("state=xyz"))
        let components = try #require(URLComponents(string: location))
        return try #require(components.queryItems?.first { $0.name == "code" }?.value)
    }

    static func exchange(_ host: TestHost, code: String, verifier: String = verifier, redirect: String = redirect) async
        -> TestResponse
    {
        await SessionTests.token(
            host,
            [
                ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier),
                ("client_id", "storefront"), ("redirect_uri", redirect),
            ])
    }

    @Test func theFormSignsInAndTheCodeBuysTokensOnce() async throws {
        let host = try await Self.makeHost()
        let form = await host.request("GET", "/oauth/authorize?" + Self.authorizeQuery())
        #expect(form.status == 200)
        #expect(form.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(form.text.contains(#"name="code_challenge" value="\#(Self.challenge)""#))

        let code = try await Self.code(host)
        let tokens = await Self.exchange(host, code: code)
        #expect(tokens.status == 200)
        let pair = try tokens.json(UsersTests.Tokens.self)

        // Replaying the code fails, and the tokens it bought are revoked.
        let replay = await Self.exchange(host, code: code)
        #expect(replay.status == 400)
        let refresh = await SessionTests.token(host, [("grant_type", "refresh_token"), ("refresh_token", pair.refreshToken)])
        #expect(refresh.status == 400)
        #expect(await host.shutdown())
    }

    /// The shipped manifests' `scopes:`: an application acting for a shopper reaches only what its
    /// configured scopes name — the shopper's own sign-in reaches everything.
    @Test func anApplicationReachesOnlyWhatItsScopesName() async throws {
        for (scope, profile) in [(nil, 403), ("profile", 200) as (String?, Int)] {
            let host = try await Self.makeHost(scope: scope)
            let tokens = try await Self.exchange(host, code: try await Self.code(host)).json(UsersTests.Tokens.self)
            let bearer: HTTPHeaders = ["Authorization": "Bearer \(tokens.accessToken)"]
            let me = await host.request("GET", "/users/me", headers: bearer)
            #expect(me.status == profile, "scope \(scope ?? "none"): \(me.text)")
            // Changing the password needs `account`, which this application was not given.
            let password = try await host.request(
                "POST", "/users/me/password", headers: bearer,
                json: ["current_password": "long enough pw", "new_password": "an even longer pw"])
            #expect(password.status == 403 && password.text.contains("account"), "\(password.text)")
            #expect(await host.shutdown())
        }
        // The first-party sign-in is not narrowed.
        let host = try await Self.makeHost()
        let login = try await host.request(
            "POST", "/auth/login", json: ["email": "ann@example.com", "password": "long enough pw"])
        let token = try login.json(UsersTests.Tokens.self).accessToken
        #expect(await host.request("GET", "/users/me", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(await host.shutdown())
    }

    @Test func aWrongVerifierOrRedirectIsRefused() async throws {
        let host = try await Self.makeHost()
        let mismatch = await Self.exchange(
            host, code: try await Self.code(host), verifier: String(repeating: "a", count: 43))
        #expect(mismatch.status == 400)
        #expect(mismatch.text.contains("code_verifier"))
        let wrongRedirect = await Self.exchange(host, code: try await Self.code(host), redirect: "https://shop.example/other")
        #expect(wrongRedirect.status == 400)
        #expect(await host.shutdown())
    }

    @Test func unknownRedirectsAreNeverFollowedAndPKCEIsRequired() async throws {
        let host = try await Self.makeHost()
        let evil = await host.request("GET", "/oauth/authorize?" + Self.authorizeQuery(redirect: "https://evil.example/cb"))
        #expect(evil.status == 400)
        #expect(evil.headers["Location"] == nil)
        let plain = await host.request("GET", "/oauth/authorize?" + Self.authorizeQuery(method: "plain"))
        #expect(plain.status == 302)
        #expect(plain.headers["Location"]?.contains("error=invalid_request") == true)
        #expect(await host.shutdown())
    }

    @Test func aWrongPasswordReRendersTheFormWithoutACode() async throws {
        let host = try await Self.makeHost()
        let body = Self.authorizeQuery() + "&email=ann%40example.com&password=nope"
        let response = await host.request(
            "POST", "/oauth/authorize", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
        #expect(response.status == 200)  // the form again, with the error
        #expect(response.headers["Location"] == nil)
        #expect(response.text.contains("wrong"))
        #expect(await host.shutdown())
    }

    @Test func pkceMatchesRFC7636AppendixB() {
        let computed = Base64URL.encode(SHA256.hash(data: Array(Self.verifier.utf8)))
        #expect(computed == Self.challenge)
    }
}

enum FormValue {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
