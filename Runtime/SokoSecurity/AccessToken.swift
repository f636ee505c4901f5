@preconcurrency import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The claims of an RFC 9068 access token.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: Audience
    public var exp: Int
    public var iat: Int
    public var nbf: Int?
    public var jti: String
    public var clientID: String
    public var scope: String?
    public var roles: [String]?

    public init(
        iss: String, sub: String, aud: String, exp: Int, iat: Int, nbf: Int? = nil, jti: String, clientID: String,
        scope: String? = nil, roles: [String]? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = Audience([aud])
        self.exp = exp
        self.iat = iat
        self.nbf = nbf
        self.jti = jti
        self.clientID = clientID
        self.scope = scope
        self.roles = roles
    }

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nbf, jti, scope, roles
        case clientID = "client_id"
    }
}

/// `aud`: one string or an array of strings (RFC 7519 §4.1.3).
public struct Audience: Codable, Sendable, Equatable {
    public var values: [String]

    public init(_ values: [String]) { self.values = values }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else {
            values = try container.decode([String].self)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
    }
}

/// The JOSE header of our tokens.
struct TokenHeader: Codable {
    var alg: String
    var typ: String?
    var kid: String?
}

/// Signs access tokens with ES256: header `{"alg":"ES256","typ":"at+jwt","kid":…}`.
public struct TokenSigner: Sendable {
    public let key: SigningKey

    public init(key: SigningKey) { self.key = key }

    public func sign(_ claims: AccessTokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = Base64URL.encode(try encoder.encode(TokenHeader(alg: "ES256", typ: "at+jwt", kid: key.kid)))
        let payload = Base64URL.encode(try encoder.encode(claims))
        let signingInput = Array("\(header).\(payload)".utf8)
        let signature = try key.privateKey.signature(for: signingInput)
        return "\(header).\(payload).\(Base64URL.encode(signature.rawRepresentation))"
    }
}

/// Defaults shared by the token issuer (Users bundle) and the verifier (host), overridden by
/// `SOKO_TOKEN_ISSUER` and `SOKO_TOKEN_AUDIENCE`.
public enum TokenDefaults {
    public static let issuer = "http://localhost:8080"
    public static let audience = "soko"
    /// Access tokens live 15 minutes.
    public static let accessTokenLifetime = 15 * 60
}
