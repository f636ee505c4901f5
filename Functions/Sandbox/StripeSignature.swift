import Crypto
import SokoFunctions

/// Signs webhook bodies as Stripe does: `Stripe-Signature: t=<unix>,v1=<hex>` where the hex is
/// HMAC-SHA256 keyed with the whole endpoint secret (`whsec_…`, prefix included, as UTF-8) over
/// `"<t>.<body>"`.
enum StripeSignature {
    static func signature(secret: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(signature(secret: secret, timestamp: timestamp, body: body))"
    }
}
