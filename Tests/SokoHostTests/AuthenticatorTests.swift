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

    static func token(
        roles: [String], key: SigningKey = key, aud: String = "soko", sub: String = "user-1", client: String = "c",
        scope: String? = nil
    ) throws -> String {
        let now = Int(time(nil))
        return try TokenSigner(key: key).sign(
            AccessTokenClaims(
                iss: "https://soko.test", sub: sub, aud: aud, exp: now + 60, iat: now, jti: "j", clientID: client,
                scope: scope, roles: roles))
    }

    /// The callers of the scope table: who the token was issued to and what it carries.
    enum Caller: String, CaseIterable, Sendable {
        /// `POST /auth/login`: the user in person.
        case firstPartyCustomer
        /// A third-party app acting for a user (authorization code) with the `orders:read` scope.
        case delegatedWithScope
        /// A third-party app acting for a user without it.
        case delegatedWithoutScope
        /// A third-party application's own client-credentials token with `orders:read`.
        case partnerWithScope
        /// A third-party application's own token with another scope.
        case partnerWithoutScope
        /// The platform's own service token (an internal client).
        case platformService

        func token() throws -> String {
            switch self {
            case .firstPartyCustomer: try AuthenticatorTests.token(roles: ["customer"], client: "first-party")
            case .delegatedWithScope: try AuthenticatorTests.token(roles: ["customer"], client: "app", scope: "orders:read")
            case .delegatedWithoutScope: try AuthenticatorTests.token(roles: ["customer"], client: "app", scope: "profile")
            case .partnerWithScope: try AuthenticatorTests.token(roles: [], sub: "erp", client: "erp", scope: "orders:read")
            case .partnerWithoutScope: try AuthenticatorTests.token(roles: [], sub: "erp", client: "erp", scope: "stock:read")
            case .platformService: try AuthenticatorTests.token(roles: ["service"], sub: "platform", client: "platform")
            }
        }
    }

    /// `auth:` says who may call, `scopes:` narrows what an application's token may reach; the
    /// platform itself (first-party sign-in, the service token) is not narrowed by scopes.
    static let scopeTable: [(AuthPolicy, [String], Caller, Int)] = [
        (.customer, ["orders:read"], .firstPartyCustomer, 200),
        (.customer, ["orders:read"], .delegatedWithScope, 200),
        (.customer, ["orders:read"], .delegatedWithoutScope, 403),
        (.customer, ["orders:read"], .partnerWithScope, 403),
        (.customer, ["orders:read"], .platformService, 403),
        (.customer, [], .delegatedWithoutScope, 200),
        (.customer, [], .partnerWithScope, 403),
        (.guest, [], .partnerWithScope, 403),
        (.admin, [], .partnerWithScope, 403),
        (.client, ["orders:read"], .partnerWithScope, 200),
        (.client, ["orders:read"], .partnerWithoutScope, 403),
        (.client, ["orders:read"], .firstPartyCustomer, 403),
        (.client, ["orders:read"], .delegatedWithScope, 403),
        (.client, ["orders:read"], .platformService, 200),
        (.service, [], .partnerWithScope, 403),
        (.service, [], .partnerWithoutScope, 403),
        (.service, [], .firstPartyCustomer, 403),
        (.service, [], .platformService, 200),
    ]

    @Test(arguments: scopeTable)
    func scopesNarrowWhatApplicationsReach(_ policy: AuthPolicy, _ scopes: [String], _ caller: Caller, _ expected: Int)
        async throws
    {
        let authenticator = Self.authenticator()
        var answer = 200
        do {
            _ = try await authenticator.identity(for: Self.request(try caller.token()), policy: policy, scopes: scopes)
        } catch let problem as AuthProblem {
            answer = problem.problem.status
            if case .missingScopes = problem {
                #expect(problem.headers["WWW-Authenticate"]?.contains(#"scope="orders:read""#) == true)
            }
        }
        #expect(answer == expected, "\(caller) calling auth: \(policy.rawValue) scopes: \(scopes)")
    }

    @Test func aPartnerTokenIsAClientNotAService() throws {
        let claims = AccessTokenClaims(
            iss: "i", sub: "erp", aud: "soko", exp: 1, iat: 0, jti: "j", clientID: "erp", scope: "orders:read", roles: [])
        let identity = Authenticator.identity(of: claims)
        #expect(identity.isClient && !identity.isService)
        #expect(identity.scopes == ["orders:read"])
        var user = claims
        user.sub = "usr_1"
        #expect(!Authenticator.identity(of: user).isClient)
    }

    /// A key that leaves the JWKS (retired) stops verifying within `keysMaxAge`, though its kid
    /// is already known — without the periodic refresh it would verify until the host restarts.
    @Test func aRetiredKeyIsDroppedWithinTheRefreshPeriod() async throws {
        let published = Mutex([Self.key, SigningKey()])
        let fetches = FetchCounter()
        let authenticator = Authenticator(issuer: "https://soko.test", audience: "soko", keysMaxAge: .milliseconds(200)) {
            fetches.count.withLock { $0 += 1 }
            return JWKS(keys: published.withLock { $0 }.map(\.publicJWK))
        }
        let token = try Self.token(roles: ["customer"])
        #expect(await status(.customer, token, authenticator) == 200)
        published.withLock { _ = $0.removeFirst() }  // retired
        let deadline = ContinuousClock.now + .seconds(5)
        var answer = 200
        while answer == 200 && ContinuousClock.now < deadline {
            answer = await status(.customer, token, authenticator)
            if answer == 200 { try await Task.sleep(for: .milliseconds(20)) }  // pacing a poll, not synchronising
        }
        #expect(answer == 401)
        #expect(fetches.count.withLock { $0 } >= 2)
    }

    @Test func aFailedPeriodicRefreshKeepsTheKeysItHas() async throws {
        struct Down: Error {}
        let up = Mutex(true)
        let authenticator = Authenticator(issuer: "https://soko.test", audience: "soko", keysMaxAge: .milliseconds(1)) {
            guard up.withLock({ $0 }) else { throw Down() }
            return JWKS(keys: [Self.key.publicJWK])
        }
        let token = try Self.token(roles: ["customer"])
        #expect(await status(.customer, token, authenticator) == 200)
        up.withLock { $0 = false }
        try await Task.sleep(for: .milliseconds(5))  // past keysMaxAge: the next call refreshes (and fails)
        #expect(await status(.customer, token, authenticator) == 200)
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
