import Glibc
import SokoFunctions
import SokoManifest
import SokoSecurity
import Synchronization

/// Enforces a function's `auth:` policy before its handler runs.
///
/// Bearer tokens are ES256 access tokens verified against keys pinned by `kid`; the keys come
/// from ``keys`` (the Users bundle's JWKS, in-process when it is co-located) and are fetched
/// again, at most once per ``refreshInterval``, when a token names a key not yet known — that is
/// how a rotated key reaches a running host.
final class Authenticator: Sendable {
    let issuer: String
    let audience: String
    private let keys: @Sendable () async throws -> JWKS
    private let verifier = Mutex<CachingTokenVerifier?>(nil)
    let refreshInterval: Duration = .seconds(10)

    init(issuer: String, audience: String, keys: @escaping @Sendable () async throws -> JWKS) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }

    /// The caller for `policy`, or a 401/403 problem. `public` and `webhook` ask for nothing.
    func identity(for request: FunctionRequest, policy: AuthPolicy) async throws -> CallerIdentity? {
        switch policy {
        case .public, .webhook:
            return nil
        case .guest where request.headers["Authorization"] == nil:
            return nil
        case .customer, .guest, .admin, .service:
            guard let token = Self.bearer(request.headers["Authorization"]) else { throw AuthProblem.missingToken }
            let claims = try await verify(token)
            let roles = Set(claims.roles ?? [])
            let identity = CallerIdentity(
                subject: claims.sub, clientID: claims.clientID, roles: roles,
                scopes: Set((claims.scope ?? "").split(separator: " ").map(String.init)), isService: roles.contains("service"))
            switch policy {
            case .customer where identity.isService, .guest where identity.isService:
                throw AuthProblem.forbidden("a user's token is needed")
            case .admin where !roles.contains("admin"): throw AuthProblem.forbidden("the admin role is needed")
            case .service where !identity.isService: throw AuthProblem.forbidden("a service token is needed")
            default: return identity
            }
        }
    }

    private func verify(_ token: String) async throws -> AccessTokenClaims {
        let now = Int(time(nil))
        if let current = verifier.withLock({ $0 }) {
            do {
                return try current.verify(token, now: now)
            } catch .unknownKey {
                // Fall through: maybe the key was rotated in since the last fetch.
            } catch {
                throw AuthProblem.invalidToken(error.description)
            }
        }
        let refreshed = try await refreshedVerifier()
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

    private func refreshedVerifier() async throws -> CachingTokenVerifier {
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
            let task = Task { try await self.loadVerifier() }
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

    private func loadVerifier() async throws -> CachingTokenVerifier {
        let jwks = try await keys()
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
    case keysUnavailable(String)

    var problem: Problem {
        switch self {
        case .missingToken:
            Problem(status: 401, code: "unauthorized", detail: "this function needs a bearer access token")
        case .invalidToken(let why):
            Problem(status: 401, code: "invalid-token", detail: "the access token was refused: \(why)")
        case .forbidden(let why):
            Problem(status: 403, code: "forbidden", detail: why)
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
        case .keysUnavailable: ["Retry-After": "1"]
        }
    }
}

extension String {
    fileprivate var replacingQuotes: String { String(map { $0 == "\"" ? "'" : $0 }) }
}
