import Glibc
import SokoFunctions
import SokoManifest
import SokoSecurity
import Synchronization
import Testing

@testable import SokoHost

/// The auth policies, with tokens signed by a key the test controls.
@Suite("Auth policies")
struct AuthenticatorTests {
    static let key = SigningKey()

    static func token(roles: [String], key: SigningKey = key, aud: String = "soko") throws -> String {
        let now = Int(time(nil))
        return try TokenSigner(key: key).sign(
            AccessTokenClaims(
                iss: "https://soko.test", sub: "user-1", aud: aud, exp: now + 60, iat: now, jti: "j", clientID: "c",
                roles: roles))
    }

    static func request(_ token: String?) -> FunctionRequest {
        var headers = HTTPHeaders()
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return FunctionRequest(method: "GET", path: "/x", headers: headers)
    }

    static func authenticator(keys: [SigningKey] = [key], fetches: FetchCounter? = nil) -> Authenticator {
        Authenticator(issuer: "https://soko.test", audience: "soko") {
            fetches?.count.withLock { $0 += 1 }
            return JWKS(keys: keys.map(\.publicJWK))
        }
    }

    func status(_ policy: AuthPolicy, _ token: String?, _ authenticator: Authenticator = authenticator()) async -> Int {
        do {
            _ = try await authenticator.identity(for: Self.request(token), policy: policy)
            return 200
        } catch let problem as AuthProblem {
            return problem.problem.status
        } catch {
            return 500
        }
    }

    @Test func policiesAdmitTheRightCallers() async throws {
        let customer = try Self.token(roles: ["customer"])
        let admin = try Self.token(roles: ["customer", "admin"])
        let service = try Self.token(roles: ["service"])
        #expect(await status(.public, nil) == 200)
        #expect(await status(.webhook, nil) == 200)
        #expect(await status(.customer, nil) == 401)
        #expect(await status(.customer, customer) == 200)
        #expect(await status(.customer, service) == 403)
        #expect(await status(.admin, customer) == 403)
        #expect(await status(.admin, admin) == 200)
        #expect(await status(.service, customer) == 403)
        #expect(await status(.service, service) == 200)
        #expect(await status(.customer, try Self.token(roles: ["customer"], aud: "elsewhere")) == 401)
    }

    @Test func anUnknownKeyTriggersOneRefetchThenIsRefused() async throws {
        let fetches = FetchCounter()
        let authenticator = Self.authenticator(fetches: fetches)
        #expect(await status(.customer, try Self.token(roles: ["customer"]), authenticator) == 200)
        #expect(fetches.count.withLock { $0 } == 1)
        let stranger = SigningKey()
        for _ in 0..<5 {
            #expect(await status(.customer, try Self.token(roles: ["customer"], key: stranger), authenticator) == 401)
        }
        // Made-up key ids do not turn into a fetch each: at most one per refresh interval.
        #expect(fetches.count.withLock { $0 } == 1)
    }

    @Test func concurrentFirstRequestsShareOneKeyFetch() async throws {
        let fetches = FetchCounter()
        let authenticator = Self.authenticator(fetches: fetches)
        let token = try Self.token(roles: ["customer"])
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { await status(.customer, token, authenticator) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        #expect(fetches.count.withLock { $0 } == 1)
    }

    @Test func unavailableKeysAre503NotInvalidToken() async throws {
        struct Down: Error {}
        let authenticator = Authenticator(issuer: "https://soko.test", audience: "soko") { throw Down() }
        let token = try Self.token(roles: ["customer"])
        #expect(await status(.customer, token, authenticator) == 503)
        #expect(await status(.customer, token, authenticator) == 503)  // remembered, not turned into 401
    }

    @Test func tokenTextNeverReachesAHeader() async throws {
        let header = Base64URL.encode(Array("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"x\\r\\nSet-Cookie: pwn=1\"}".utf8))
        do {
            _ = try await Self.authenticator().identity(for: Self.request(header + ".e30.AAAA"), policy: .customer)
            Issue.record("accepted")
        } catch let problem as AuthProblem {
            let challenge = problem.headers["WWW-Authenticate"] ?? ""
            #expect(!challenge.contains("\r") && !challenge.contains("\n") && !challenge.contains("Set-Cookie"))
        }
    }

    @Test func invalidTokensCarryTheRFC6750Challenge() async throws {
        do {
            _ = try await Self.authenticator().identity(for: Self.request("garbage"), policy: .customer)
            Issue.record("garbage accepted")
        } catch let problem as AuthProblem {
            #expect(problem.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        }
    }
}

final class FetchCounter: Sendable {
    let count = Mutex(0)
}
