@preconcurrency import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why a token was refused. Each case maps to `401 WWW-Authenticate: Bearer error="invalid_token"`.
public enum TokenError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unknownKey(String)
    case algorithmNotAllowed(String)
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case wrongType

    public var description: String {
        switch self {
        case .malformed(let why): "malformed token: \(why)"
        case .unknownKey: "unknown signing key"
        case .algorithmNotAllowed: "algorithm not accepted"
        case .badSignature: "the signature does not verify"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet"
        case .wrongIssuer: "the token was issued by someone else"
        case .wrongAudience: "the token is meant for another audience"
        case .wrongType: "not an access token (typ must be at+jwt)"
        }
    }
}

/// Verifies access tokens against pinned ES256 keys.
///
/// The key is chosen by `kid` and the algorithm comes from the key, never from the token: a
/// token saying `alg: none`, or `HS256` "signed" with a public key, is refused before any
/// signature check. Then `exp`/`nbf` (with a small leeway), `iss`, `aud` and `typ`.
public struct TokenVerifier: Sendable {
    /// The key type tokens are verified with (ES256).
    public typealias PublicKey = P256.Signing.PublicKey
    public let keys: [String: P256.Signing.PublicKey]
    public let issuer: String
    public let audience: String
    public let leeway: Int

    public init(keys: [String: P256.Signing.PublicKey], issuer: String, audience: String, leeway: Int = 30) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
    }

    /// Verifies `token` at time `now` (seconds since 1970) and returns its claims.
    public func verify(_ token: String, now: Int) throws(TokenError) -> AccessTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three dot-separated parts") }
        guard let headerBytes = Base64URL.decode(parts[0]),
            let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(headerBytes))
        else { throw .malformed("unreadable header") }
        guard header.alg == "ES256" else { throw .algorithmNotAllowed(header.alg) }
        guard let kid = header.kid else { throw .malformed("no kid") }
        guard let key = keys[kid] else { throw .unknownKey(kid) }
        guard let signatureBytes = Base64URL.decode(parts[2]), signatureBytes.count == 64,
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureBytes)
        else { throw .badSignature }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard key.isValidSignature(signature, for: signingInput) else { throw .badSignature }
        guard header.typ?.lowercased() == "at+jwt" || header.typ?.lowercased() == "application/at+jwt" else {
            throw .wrongType
        }
        guard let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(payload))
        else { throw .malformed("unreadable claims") }
        guard claims.exp + leeway > now else { throw .expired }
        if let nbf = claims.nbf, nbf - leeway > now { throw .notYetValid }
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud.values.contains(audience) else { throw .wrongAudience }
        return claims
    }
}
