// Times access-token verification as the host does it for every protected request:
// ES256 signature with a key pinned by kid, then exp/nbf/iss/aud/typ.
// Run: swift run -c release token-verify-benchmark [iterations]
import Foundation
import Glibc
import SokoSecurity

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let key = SigningKey()
let now = Int(time(nil))
let token = try TokenSigner(key: key).sign(
    AccessTokenClaims(
        iss: "https://soko.test", sub: "usr_1", aud: "soko", exp: now + 900, iat: now, jti: "j", clientID: "first-party",
        roles: ["customer"]))
let verifier = TokenVerifier(keys: [key.kid: key.privateKey.publicKey], issuer: "https://soko.test", audience: "soko")
let cached = CachingTokenVerifier(verifier)

func seconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func measure(_ label: String, _ verify: () throws -> Void) throws -> Double {
    for _ in 0..<1_000 { try verify() }  // warm-up
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let start = seconds()
    for _ in 0..<iterations {
        let t0 = seconds()
        try verify()
        samples.append(seconds() - t0)
    }
    let mean = (seconds() - start) / Double(iterations)
    samples.sort()
    func micros(_ s: Double) -> String { String(format: "%.1f", s * 1e6) }
    print(
        "\(label): \(iterations) verifications, mean \(micros(mean)) µs, p50 \(micros(samples[samples.count / 2])) µs, "
            + "p99 \(micros(samples[samples.count * 99 / 100])) µs")
    return mean
}

let full = try measure("signature every time (first sight of a token)") { _ = try verifier.verify(token, now: now) }
let host = try measure("as the host verifies (token seen before)") { _ = try cached.verify(token, now: now) }
print(
    "target: under 50 µs per request in the host — \(host < 50e-6 ? "PASS" : "FAIL") (first sight \(full < 50e-6 ? "also under" : "over") 50 µs)"
)
