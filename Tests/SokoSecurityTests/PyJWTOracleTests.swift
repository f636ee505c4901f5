import Foundation
import SokoTesting
import Testing

@testable import SokoSecurity

/// Our tokens, checked by an implementation we did not write: PyJWT (PyPI) with `cryptography`,
/// given only the JWKS we publish.
@Suite("PyJWT oracle")
struct PyJWTOracleTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Oracle/verify_with_pyjwt.py").path

    func runOracle(jwks: JWKS, token: String, issuer: String, audience: String) async throws -> (status: Int32, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-jwks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("jwks.json")
        try JSONEncoder().encode(jwks).write(to: file)
        let result = try await ChildProcess.run(command: ["python3", Self.script, file.path, token, issuer, audience])
        return (result.status, result.combined)
    }

    @Test func pyJWTAcceptsOurTokensWithOurJWKS() async throws {
        let current = SigningKey()
        let previous = SigningKey()  // JWKS publishes more than one key so keys can rotate
        let now = Int(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            iss: "https://soko.test", sub: "user-42", aud: "soko", exp: now + 900, iat: now, jti: "abc",
            clientID: "storefront", scope: "openid profile", roles: ["customer"])
        let token = try TokenSigner(key: current).sign(claims)
        let result = try await runOracle(
            jwks: JWKS(keys: [previous.publicJWK, current.publicJWK]), token: token, issuer: "https://soko.test",
            audience: "soko")
        #expect(result.status == 0, "PyJWT refused: \(result.output)")
        #expect(result.output.contains("\"sub\": \"user-42\""))
        #expect(result.output.contains("\"client_id\": \"storefront\""))
    }

    @Test func pyJWTRefusesATokenOfAKeyNotInTheJWKS() async throws {
        let published = SigningKey()
        let other = SigningKey()
        let now = Int(Date().timeIntervalSince1970)
        var forged = try TokenSigner(key: other).sign(
            AccessTokenClaims(
                iss: "https://soko.test", sub: "user-1", aud: "soko", exp: now + 900, iat: now, jti: "x",
                clientID: "storefront"))
        // Claim the published key's id on a token signed by another key.
        let parts = forged.split(separator: ".").map(String.init)
        let header = #"{"alg":"ES256","kid":"\#(published.kid)","typ":"at+jwt"}"#
        forged = Base64URL.encode(Array(header.utf8)) + "." + parts[1] + "." + parts[2]
        let result = try await runOracle(
            jwks: JWKS(keys: [published.publicJWK]), token: forged, issuer: "https://soko.test", audience: "soko")
        #expect(result.status != 0)
        #expect(result.output.contains("Signature verification failed"))
    }
}
