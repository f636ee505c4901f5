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

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case refreshToken = "refresh_token"
            case scope
        }
    }

    /// Signs an access token for `user` and starts (or continues) a refresh-token family.
    func issue(for user: User, clientID: String, scope: String?, store: Store, family: String? = nil) async throws -> Pair {
        let now = Int(time(nil))
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: user.id, aud: settings.audience, exp: now + settings.accessTokenLifetime, iat: now,
            jti: RandomToken.make(bytes: 16), clientID: clientID, scope: scope, roles: user.roles)
        let accessToken = try TokenSigner(key: try await keys.current(store: store)).sign(claims)
        let refresh = RandomToken.make(bytes: 32)
        try await store.execute(
            """
            INSERT INTO refresh_tokens (token_hash, family, user_id, client_id, scope, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .text(RandomToken.hash(refresh)), .text(family ?? RandomToken.make(bytes: 16)), .text(user.id),
                .text(clientID), SQLValue(scope), .integer(Int64(now + settings.refreshTokenLifetime)),
                .text(Timestamp.now()),
            ])
        return Pair(accessToken: accessToken, expiresIn: settings.accessTokenLifetime, refreshToken: refresh, scope: scope)
    }
}

extension TokenIssuer {
    /// A client-credentials token: subject and client are the service, role `service`.
    func issueServiceToken(for service: User, scope: String?, store: Store) async throws -> Pair {
        let now = Int(time(nil))
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: service.id, aud: settings.audience, exp: now + settings.accessTokenLifetime,
            iat: now, jti: RandomToken.make(bytes: 16), clientID: service.id, scope: scope, roles: ["service"])
        let token = try TokenSigner(key: try await keys.current(store: store)).sign(claims)
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
