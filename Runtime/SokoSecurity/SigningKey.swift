@preconcurrency import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An ES256 (ECDSA P-256 with SHA-256) signing key with its key id.
///
/// The key id is the RFC 7638 JWK thumbprint of the public key, so it is stable, derived rather
/// than chosen, and the same wherever the key is loaded.
public struct SigningKey: Sendable {
    public let privateKey: P256.Signing.PrivateKey
    public let kid: String

    /// A new random key.
    public init() {
        self.init(privateKey: P256.Signing.PrivateKey())
    }

    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
        kid = PublicKeyJWK(privateKey.publicKey).thumbprint
    }

    /// Loads a key stored with ``pem``.
    public init(pem: String) throws {
        self.init(privateKey: try P256.Signing.PrivateKey(pemRepresentation: pem))
    }

    /// The private key in PEM (PKCS#8), for the service's own storage.
    public var pem: String { privateKey.pemRepresentation }

    public var publicJWK: PublicKeyJWK { PublicKeyJWK(privateKey.publicKey) }
}

/// A public ES256 key as a JWK (RFC 7517/7518): what JWKS publishes and verifiers pin by `kid`.
public struct PublicKeyJWK: Codable, Sendable, Equatable {
    public var kty = "EC"
    public var crv = "P-256"
    public var x: String
    public var y: String
    public var kid: String
    public var use = "sig"
    public var alg = "ES256"

    public init(_ key: P256.Signing.PublicKey) {
        let raw = Array(key.rawRepresentation)  // x ‖ y, 32 bytes each
        x = Base64URL.encode(raw[0..<32])
        y = Base64URL.encode(raw[32..<64])
        kid = ""
        kid = thumbprint
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
    public var thumbprint: String {
        let canonical = #"{"crv":"\#(crv)","kty":"\#(kty)","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(SHA256.hash(data: Array(canonical.utf8)))
    }

    /// The public key, when the JWK is a well-formed P-256 key.
    public func publicKey() throws -> TokenVerifier.PublicKey {
        guard kty == "EC", crv == "P-256", let x = Base64URL.decode(x), let y = Base64URL.decode(y),
            x.count == 32, y.count == 32
        else { throw TokenError.malformed("not a P-256 JWK") }
        return try P256.Signing.PublicKey(rawRepresentation: x + y)
    }
}

/// `{"keys": [...]}`, as served at `/.well-known/jwks.json`.
public struct JWKS: Codable, Sendable, Equatable {
    public var keys: [PublicKeyJWK]

    public init(keys: [PublicKeyJWK]) { self.keys = keys }
}
