import Glibc
import SokoFunctions
import SokoManifest
import SokoSecurity
import Synchronization

/// Enforces a function's `auth:` policy before its handler runs.
///
/// Bearer tokens are ES256 access tokens verified against keys pinned by `kid`; the keys come
/// from ``keys`` (the identity provider's JWKS: through the pipeline the caller passes when it is
/// co-located, else fetched). They are fetched
/// again when a token names a key not yet known (at most once per ``refreshInterval``) — how a
/// rotated-in key reaches a running host — and every ``keysMaxAge`` (`SOKO_JWKS_REFRESH`) —
/// how a retired key leaves it.
final class Authenticator: Sendable {
    let issuer: String
    let audience: String
    /// Loads the signing keys, given the pipeline that asked (for an in-process call).
    private let keys: @Sendable (InvocationPipeline?) async throws -> JWKS
    private let verifier = Mutex<CachingTokenVerifier?>(nil)
    /// The least time between two fetches (10 s, or less when ``keysMaxAge`` is shorter).
    let refreshInterval: Duration
    /// How long fetched keys are trusted before the next verification fetches them again.
    let keysMaxAge: Duration

    init(
        issuer: String, audience: String, keysMaxAge: Duration = .seconds(60),
        keysVia keys: @escaping @Sendable (InvocationPipeline?) async throws -> JWKS
    ) {
        self.issuer = issuer
        self.audience = audience
        self.keysMaxAge = keysMaxAge
        refreshInterval = min(.seconds(10), keysMaxAge)
        self.keys = keys
    }

    /// Keys from a source that needs no pipeline (tests).
    convenience init(
        issuer: String, audience: String, keysMaxAge: Duration = .seconds(60),
        keys: @escaping @Sendable () async throws -> JWKS
    ) {
        self.init(issuer: issuer, audience: audience, keysMaxAge: keysMaxAge) { _ in try await keys() }
    }

    /// The caller for `policy`, or a 401/403 problem. `public` and `webhook` ask for nothing.
    ///
    /// Who passes which policy:
    /// - `customer`, `guest`, `admin`: a user's token (never a client-credentials token); with
    ///   `scopes`, a token issued to a third-party application must carry all of them, while a
    ///   first-party sign-in (client `first-party`) is the user acting in person and is not narrowed.
    /// - `service`: only the platform's own service token (an internal client).
    /// - `client`: a third-party client-credentials token carrying all of `scopes`, or the
    ///   platform's service token.
    ///
    /// `pipeline` is handed to the key source when keys must be loaded.
    func identity(
        for request: FunctionRequest, policy: AuthPolicy, scopes: [String] = [], keysVia pipeline: InvocationPipeline? = nil
    ) async throws -> CallerIdentity? {
        switch policy {
        case .public, .webhook:
            return nil
        case .guest where request.headers["Authorization"] == nil:
            return nil
        case .customer, .guest, .admin, .service, .client:
            guard let token = Self.bearer(request.headers["Authorization"]) else { throw AuthProblem.missingToken }
            let identity = Self.identity(of: try await verify(token, keysVia: pipeline))
            try Self.check(identity, policy: policy, scopes: scopes)
            return identity
        }
    }

    /// The caller a verified token names. A token whose subject is its client (RFC 9068 §2.2)
    /// came from `client_credentials`: the platform's service when it has the `service` role
    /// (only internal clients get it), else a third-party application.
    static func identity(of claims: AccessTokenClaims) -> CallerIdentity {
        let roles = Set(claims.roles ?? [])
        let isService = roles.contains("service")
        return CallerIdentity(
            subject: claims.sub, clientID: claims.clientID, roles: roles,
            scopes: Set((claims.scope ?? "").split(separator: " ").map(String.init)), isService: isService,
            isClient: !isService && claims.sub == claims.clientID)
    }

    /// Throws 403 unless `identity` may call a function with `policy` and `scopes`.
    static func check(_ identity: CallerIdentity, policy: AuthPolicy, scopes: [String]) throws {
        let missing = scopes.filter { !identity.scopes.contains($0) }
        switch policy {
        case .public, .webhook:
            return
        case .customer, .guest, .admin:
            if identity.isService || identity.isClient { throw AuthProblem.forbidden("a user's token is needed") }
            if policy == .admin && !identity.roles.contains("admin") {
                throw AuthProblem.forbidden("the admin role is needed")
            }
            if identity.clientID != firstParty && !missing.isEmpty { throw AuthProblem.missingScopes(missing) }
        case .service:
            if !identity.isService { throw AuthProblem.forbidden("the platform's service token is needed") }
        case .client:
            if identity.isService { return }
            if !identity.isClient { throw AuthProblem.forbidden("an application's client-credentials token is needed") }
            if !missing.isEmpty { throw AuthProblem.missingScopes(missing) }
        }
    }

    /// The client id of the platform's own sign-in (`POST /auth/login`, the authorize form's).
    static let firstParty = "first-party"

    private func verify(_ token: String, keysVia pipeline: InvocationPipeline?) async throws -> AccessTokenClaims {
        let now = Int(time(nil))
        if var current = verifier.withLock({ $0 }) {
            if keysAreStale() {
                // A periodic refresh: a retired key must stop verifying within keysMaxAge. When the
                // keys cannot be fetched, the ones held keep working (an outage of the Users
                // service does not sign everyone out).
                current = (try? await refreshedVerifier(pipeline)) ?? current
            }
            do {
                return try current.verify(token, now: now)
            } catch .unknownKey {
                // Fall through: maybe the key was rotated in since the last fetch.
            } catch {
                throw AuthProblem.invalidToken(error.description)
            }
        }
        let refreshed = try await refreshedVerifier(pipeline)
        do {
            return try refreshed.verify(token, now: now)
        } catch {
            throw AuthProblem.invalidToken(error.description)
        }
    }

    /// The state of key fetching: one fetch at a time (callers arriving meanwhile wait for it),
    /// and none again within the refresh interval — so a flood of tokens with made-up key ids
    /// cannot turn into a flood of fetches, and a failed fetch answers 503 (not 401) until retried.
    private struct FetchState {
        var inFlight: Task<CachingTokenVerifier, Error>?
        var finished: ContinuousClock.Instant?
        var failure: String?
    }

    private let fetch = Mutex(FetchState())

    private func keysAreStale() -> Bool {
        fetch.withLock { state in
            guard state.inFlight == nil, let finished = state.finished else { return false }
            return ContinuousClock.now - finished >= keysMaxAge
        }
    }

    private func refreshedVerifier(_ pipeline: InvocationPipeline?) async throws -> CachingTokenVerifier {
        enum Next {
            case wait(Task<CachingTokenVerifier, Error>)
            case use(CachingTokenVerifier)
            case failed(String)
        }
        let now = ContinuousClock.now
        let next = fetch.withLock { state -> Next in
            if let task = state.inFlight { return .wait(task) }
            if let finished = state.finished, now - finished < refreshInterval {
                if let failure = state.failure { return .failed(failure) }
                if let current = verifier.withLock({ $0 }) { return .use(current) }
            }
            let task = Task { try await self.loadVerifier(pipeline) }
            state.inFlight = task
            return .wait(task)
        }
        switch next {
        case .use(let current):
            return current
        case .failed(let reason):
            throw AuthProblem.keysUnavailable(reason)
        case .wait(let task):
            do {
                let fresh = try await task.value
                fetch.withLock { state in
                    if state.inFlight != nil { (state.inFlight, state.finished, state.failure) = (nil, .now, nil) }
                }
                return fresh
            } catch {
                fetch.withLock { state in
                    if state.inFlight != nil { (state.inFlight, state.finished, state.failure) = (nil, .now, "\(error)") }
                }
                throw AuthProblem.keysUnavailable("\(error)")
            }
        }
    }

    private func loadVerifier(_ pipeline: InvocationPipeline?) async throws -> CachingTokenVerifier {
        let jwks = try await keys(pipeline)
        var pinned: [String: TokenVerifier.PublicKey] = [:]
        for jwk in jwks.keys { if let key = try? jwk.publicKey() { pinned[jwk.kid] = key } }
        let fresh = CachingTokenVerifier(TokenVerifier(keys: pinned, issuer: issuer, audience: audience))
        verifier.withLock { $0 = fresh }
        return fresh
    }

    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingPrefix(" ")
        return token.isEmpty ? nil : String(token)
    }
}

/// The 401/403/503 answers of the auth policies (RFC 6750 `WWW-Authenticate`).
enum AuthProblem: ProblemConvertible {
    case missingToken
    case invalidToken(String)
    case forbidden(String)
    case missingScopes([String])
    case keysUnavailable(String)

    var problem: Problem {
        switch self {
        case .missingToken:
            Problem(status: 401, code: "unauthorized", detail: "this function needs a bearer access token")
        case .invalidToken(let why):
            Problem(status: 401, code: "invalid-token", detail: "the access token was refused: \(why)")
        case .forbidden(let why):
            Problem(status: 403, code: "forbidden", detail: why)
        case .missingScopes(let scopes):
            Problem(
                status: 403, code: "insufficient-scope",
                detail: "the access token lacks the scope this function needs: \(scopes.joined(separator: " "))")
        case .keysUnavailable(let why):
            Problem(status: 503, code: "keys-unavailable", detail: "token signing keys could not be loaded: \(why)")
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .missingToken: ["WWW-Authenticate": #"Bearer realm="soko""#]
        case .invalidToken(let why):
            ["WWW-Authenticate": #"Bearer realm="soko", error="invalid_token", error_description="\#(why.replacingQuotes)""#]
        case .forbidden: ["WWW-Authenticate": #"Bearer realm="soko", error="insufficient_scope""#]
        case .missingScopes(let scopes):
            ["WWW-Authenticate": #"Bearer realm="soko", error="insufficient_scope", scope="\#(scopes.joined(separator: " "))""#]
        case .keysUnavailable: ["Retry-After": "1"]
        }
    }
}

extension String {
    fileprivate var replacingQuotes: String { String(map { $0 == "\"" ? "'" : $0 }) }
}
