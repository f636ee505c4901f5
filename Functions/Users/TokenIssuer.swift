import Crypto
import Glibc
import SokoFunctions
import SokoSecurity

/// Issues the token pair a sign-in returns: an ES256 access token (RFC 9068) and an opaque,
/// rotating refresh token stored only as its SHA-256 hash.
struct TokenIssuer: Sendable {
    let settings: UsersSettings
    let keys: KeyRing

    struct Pair: Encodable, Sendable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var refreshToken: String?
        var scope: String?
        /// First-party sign-in only: this device's token for later sign-ins (``KnownDevices``).
        var deviceToken: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case refreshToken = "refresh_token"
            case scope
            case deviceToken = "device_token"
        }
    }

    /// Signs an access token for `user` and starts a refresh-token family (a sign-in) at `time`.
    func issue(for user: User, clientID: String, scope: String?, at time: WallTime, store: Store) async throws -> Pair {
        let refresh = RefreshToken(
            family: RandomToken.make(bytes: 16), user: user.id, clientID: clientID, scope: scope,
            expiresAt: time.unixSeconds + settings.refreshTokenLifetime)
        try await store.transaction { tx in try refresh.insert(into: tx, at: time) }
        return try await pair(for: user, refresh: refresh, roles: user.roles, at: time, store: store)
    }

    /// The access token that goes with `refresh` (already stored by the caller's transaction).
    func pair(for user: User, refresh: RefreshToken, roles: [String], at time: WallTime, store: Store) async throws -> Pair {
        let now = time.unixSeconds
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: user.id, aud: settings.audience, exp: now + settings.accessTokenLifetime, iat: now,
            jti: RandomToken.make(bytes: 16), clientID: refresh.clientID, scope: refresh.scope, roles: roles)
        let accessToken = try TokenSigner(key: try await keys.current(at: time, store: store)).sign(claims)
        return Pair(
            accessToken: accessToken, expiresIn: settings.accessTokenLifetime, refreshToken: refresh.token,
            scope: refresh.scope)
    }
}

/// A new refresh token of a family. The family's expiry is absolute: rotation carries it forward.
struct RefreshToken: Sendable {
    let token = RandomToken.make(bytes: 32)
    var family: String
    var user: String
    var clientID: String
    var scope: String?
    var expiresAt: Int

    /// Stores the token (its hash), created at `now`.
    func insert(into tx: Transaction, at now: WallTime) throws {
        try tx.execute(
            """
            INSERT INTO refresh_tokens (token_hash, family, user_id, client_id, scope, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .text(RandomToken.hash(token)), .text(family), .text(user), .text(clientID), SQLValue(scope),
                .integer(Int64(expiresAt)), .text(now.timestamp),
            ])
    }
}

extension TokenIssuer {
    /// A client-credentials token: subject and client are the client (RFC 9068 §2.2), with the
    /// `service` role for an internal client and no role for a third-party one.
    func issueClientToken(clientID: String, roles: [String], scope: String?, at time: WallTime, store: Store) async throws
        -> Pair
    {
        let now = time.unixSeconds
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: clientID, aud: settings.audience, exp: now + settings.accessTokenLifetime,
            iat: now, jti: RandomToken.make(bytes: 16), clientID: clientID, scope: scope, roles: roles)
        let token = try TokenSigner(key: try await keys.current(at: time, store: store)).sign(claims)
        return Pair(accessToken: token, expiresIn: settings.accessTokenLifetime, refreshToken: nil, scope: scope)
    }
}

/// Unguessable opaque tokens and their stored form.
enum RandomToken {
    static func make(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// What the database keeps: a leaked table does not leak usable tokens.
    static func hash(_ token: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(token.utf8)))
    }
}
