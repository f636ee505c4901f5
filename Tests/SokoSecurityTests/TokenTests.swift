import Crypto
import Foundation
import Testing

@testable import SokoSecurity

@Suite("Access tokens")
struct TokenTests {
    static let key = SigningKey()
    static let now = 1_800_000_000
    static let verifier = TokenVerifier(
        keys: [key.kid: key.privateKey.publicKey], issuer: "https://soko.test", audience: "soko")

    static func claims(exp: Int = now + 900, nbf: Int? = nil, iss: String = "https://soko.test", aud: String = "soko")
        -> AccessTokenClaims
    {
        AccessTokenClaims(
            iss: iss, sub: "user-1", aud: aud, exp: exp, iat: now, nbf: nbf, jti: "j1", clientID: "storefront",
            scope: "openid", roles: ["customer"])
    }

    static func token(_ claims: AccessTokenClaims = claims()) throws -> String {
        try TokenSigner(key: key).sign(claims)
    }

    /// Builds a token by hand from a header and claims (for forgeries).
    static func forge(header: String, payload: Data, signature: [UInt8]) -> String {
        "\(Base64URL.encode(Array(header.utf8))).\(Base64URL.encode(payload)).\(Base64URL.encode(signature))"
    }

    @Test func aSignedTokenVerifiesAndCarriesItsClaims() throws {
        let claims = try Self.verifier.verify(try Self.token(), now: Self.now)
        #expect(claims == Self.claims())
        let header = try #require(Base64URL.decode(try Self.token().split(separator: ".")[0]))
        let json = try JSONSerialization.jsonObject(with: Data(header)) as! [String: String]
        #expect(json == ["alg": "ES256", "typ": "at+jwt", "kid": Self.key.kid])
    }

    @Test func algNoneIsRefused() throws {
        let payload = try JSONEncoder().encode(Self.claims())
        let forged = Self.forge(
            header: #"{"alg":"none","typ":"at+jwt","kid":"\#(Self.key.kid)"}"#, payload: payload, signature: [])
        #expect(throws: TokenError.algorithmNotAllowed("none")) { try Self.verifier.verify(forged, now: Self.now) }
    }

    @Test func hs256SignedWithThePublicKeyIsRefused() throws {
        // The classic confusion attack: HMAC keyed with the (public) verification key.
        let payload = try JSONEncoder().encode(Self.claims())
        let header = #"{"alg":"HS256","typ":"at+jwt","kid":"\#(Self.key.kid)"}"#
        let input = "\(Base64URL.encode(Array(header.utf8))).\(Base64URL.encode(payload))"
        let secret = SymmetricKey(data: Self.key.privateKey.publicKey.rawRepresentation)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: secret)
        let forged = input + "." + Base64URL.encode(Array(mac))
        #expect(throws: TokenError.algorithmNotAllowed("HS256")) { try Self.verifier.verify(forged, now: Self.now) }
    }

    @Test func expiredAndNotYetValidAreRefusedBeyondTheLeeway() throws {
        #expect(throws: TokenError.expired) {
            try Self.verifier.verify(try Self.token(Self.claims(exp: Self.now - 31)), now: Self.now)
        }
        _ = try Self.verifier.verify(try Self.token(Self.claims(exp: Self.now - 10)), now: Self.now)  // within leeway
        #expect(throws: TokenError.notYetValid) {
            try Self.verifier.verify(try Self.token(Self.claims(nbf: Self.now + 120)), now: Self.now)
        }
    }

    @Test func wrongIssuerOrAudienceIsRefused() throws {
        #expect(throws: TokenError.wrongIssuer) {
            try Self.verifier.verify(try Self.token(Self.claims(iss: "https://evil.test")), now: Self.now)
        }
        #expect(throws: TokenError.wrongAudience) {
            try Self.verifier.verify(try Self.token(Self.claims(aud: "someone-else")), now: Self.now)
        }
    }

    @Test func aTamperedPayloadFailsTheSignature() throws {
        let parts = try Self.token().split(separator: ".").map(String.init)
        var claims = Self.claims()
        claims.roles = ["admin"]
        let tampered = parts[0] + "." + Base64URL.encode(try JSONEncoder().encode(claims)) + "." + parts[2]
        #expect(throws: TokenError.badSignature) { try Self.verifier.verify(tampered, now: Self.now) }
    }

    @Test func aTokenFromAnUnknownKeyIsRefused() throws {
        let other = SigningKey()
        let token = try TokenSigner(key: other).sign(Self.claims())
        #expect(throws: TokenError.unknownKey(other.kid)) { try Self.verifier.verify(token, now: Self.now) }
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.AAAA"])
    func malformedTokensAreRefused(_ token: String) {
        #expect(throws: TokenError.self) { try Self.verifier.verify(token, now: Self.now) }
    }

    @Test func keyIDIsTheRFC7638Thumbprint() throws {
        // RFC 7638 §3.1 example uses RSA; for EC the canonical member order is crv, kty, x, y.
        let jwk = Self.key.publicJWK
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(jwk.x)","y":"\#(jwk.y)"}"#
        #expect(Self.key.kid == Base64URL.encode(SHA256.hash(data: Array(canonical.utf8))))
        #expect(jwk.kid == Self.key.kid)
        #expect(try jwk.publicKey().rawRepresentation == Self.key.privateKey.publicKey.rawRepresentation)
        let reloaded = try SigningKey(pem: Self.key.pem)
        #expect(reloaded.kid == Self.key.kid)
    }

    @Test(arguments: [
        ([UInt8](), ""), ([0x66], "Zg"), ([0x66, 0x6f], "Zm8"), ([0x66, 0x6f, 0x6f], "Zm9v"), ([0xfb, 0xff], "-_8"),
    ])
    func base64URLRoundTrips(_ bytes: [UInt8], _ text: String) {
        #expect(Base64URL.encode(bytes) == text)
        #expect(Base64URL.decode(text) == bytes)
    }
}

@Suite("Verified-token cache")
struct CachingTokenVerifierTests {
    @Test func aCachedTokenStillExpiresAndForgeriesAreNeverCached() throws {
        let cached = CachingTokenVerifier(TokenTests.verifier)
        let token = try TokenTests.token(TokenTests.claims(exp: TokenTests.now + 60))
        #expect(try cached.verify(token, now: TokenTests.now).sub == "user-1")
        #expect(try cached.verify(token, now: TokenTests.now + 30).sub == "user-1")  // a hit
        #expect(throws: TokenError.expired) { try cached.verify(token, now: TokenTests.now + 60 + 31) }
        let other = SigningKey()
        let forged = try TokenSigner(key: other).sign(TokenTests.claims())
        for _ in 0..<2 {
            #expect(throws: TokenError.unknownKey(other.kid)) { try cached.verify(forged, now: TokenTests.now) }
        }
    }
}
