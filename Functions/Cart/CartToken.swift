import Crypto
import SokoFunctions

/// A guest cart's bearer secret: 32 random bytes in base64url (43 characters). Whoever holds it owns
/// the guest cart; the store keeps only its SHA-256, so a leaked table cannot be used to take carts.
struct CartToken: Sendable, Equatable {
    let text: String

    /// A new token from the system's cryptographic random source.
    static func generate() -> CartToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return CartToken(checked: Base64URL.encode(bytes))
    }

    /// The token a client sent in `X-Cart-Token`, or nil when it cannot be one of ours.
    init?(presented: String) {
        let isBase64URL = presented.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
        guard presented.utf8.count == 43, isBase64URL else { return nil }
        text = presented
    }

    private init(checked text: String) { self.text = text }

    /// What the `carts` table keeps.
    var hash: String { Base64URL.encode(SHA256.hash(data: Array(text.utf8))) }
}
