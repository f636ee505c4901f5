import Crypto
import SokoFunctions

/// Stripe's webhook signature (`Stripe-Signature: t=…,v1=…[,v1=…]`): HMAC-SHA256 keyed with the
/// whole endpoint secret (`whsec_…` as UTF-8, prefix included) over `"<t>.<raw body>"`, hex.
///
/// A header passes when its timestamp is within the tolerance of now — both ways (stripe-python
/// only rejects old ones; a far-future `t` is as suspect as a stale one) — and any `v1` matches
/// any configured secret (several during rotation). `v0` and other schemes are ignored.
public enum StripeSignature {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed
        case outsideTolerance(timestamp: Int)
        case noMatch

        public var description: String {
            switch self {
            case .missing: "the Stripe-Signature header is missing"
            case .malformed: "the Stripe-Signature header has no timestamp or no v1 signature"
            case .outsideTolerance(let t): "the signature's timestamp \(t) is too far from now"
            case .noMatch: "no v1 signature matches the payload"
            }
        }
    }

    /// Checks `header` against `payload` (the raw body bytes).
    /// - Throws: ``Failure``; the webhook answers it with 400.
    public static func verify(
        payload: [UInt8], header: String?, secrets: [String], now: Int, tolerance: Int = 300
    ) throws(Failure) {
        guard let header, !header.isEmpty else { throw .missing }
        var timestamp: Int?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let key = part[..<eq].trimmingSpaces
            let value = part[part.index(after: eq)...].trimmingSpaces
            if key == "t" {
                timestamp = Int(value)
            } else if key == "v1", let bytes = Hex.decode(value), bytes.count == 32 {
                signatures.append(bytes)
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformed }
        guard abs(now - timestamp) <= tolerance else { throw .outsideTolerance(timestamp: timestamp) }
        let message = Array("\(timestamp).".utf8) + payload
        for secret in secrets {
            let key = SymmetricKey(data: Array(secret.utf8))
            for signature in signatures
            where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: key) {
                return
            }
        }
        throw .noMatch
    }

    /// The `v1` signature of `payload` at `timestamp` with `secret` (hex).
    public static func signature(payload: [UInt8], secret: String, timestamp: Int) -> String {
        let message = Array("\(timestamp).".utf8) + payload
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(code)
    }

    /// A whole header as Stripe sends it (`t=…,v1=…`), for tests and sandboxes.
    public static func header(payload: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, secret: secret, timestamp: timestamp))"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
