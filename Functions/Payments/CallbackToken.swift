import Crypto
import SokoFunctions

/// The unguessable token in a payment's M-Pesa CallBackURL (`/webhooks/mpesa/{token}`): 32 random
/// bytes in base64url. Daraja callbacks are unsigned, so the token is what ties a callback to the
/// payment; the store keeps only its SHA-256, compared in constant time.
struct CallbackToken: Sendable {
    let text: String

    static func generate() -> CallbackToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return CallbackToken(text: Base64URL.encode(bytes))
    }

    init(text: String) { self.text = text }

    /// What the `payments` table keeps (hex SHA-256).
    var hash: String { Self.hash(text) }

    static func hash(_ text: String) -> String { Hex.encode(Array(SHA256.hash(data: Array(text.utf8)))) }

    /// Whether `presented` hashes to `storedHash`, comparing every byte (no early exit).
    static func matches(_ presented: String, storedHash: String) -> Bool {
        ConstantTime.equal(Array(hash(presented).utf8), Array(storedHash.utf8))
    }
}
