import Crypto
import Foundation

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

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of an even-length hex string (either case); nil for anything else.
    static func decode(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 97...102: byte - 87
            case 65...70: byte - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

enum ConstantTime {
    /// Equal length and bytes; the time taken depends only on the lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
