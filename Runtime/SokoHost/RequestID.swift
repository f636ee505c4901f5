/// Request ids: a sane incoming `X-Request-ID` is kept, anything else replaced by a fresh one.
struct RequestIDGenerator {
    private let prefix: [UInt8]
    private var counter: UInt64 = 0

    init() {
        var generator = SystemRandomNumberGenerator()
        prefix = Self.hex(generator.next())
    }

    /// A new 32-hex-digit id: 64 random bits per loop and process start, then a counter.
    mutating func next() -> String {
        counter &+= 1
        let value = counter
        return String(unsafeUninitializedCapacity: 32) { buffer in
            // Raw pointers: no bounds check per digit (the buffer holds 32 bytes, the prefix 16).
            let out = buffer.baseAddress!
            prefix.withUnsafeBufferPointer { out.initialize(from: $0.baseAddress!, count: 16) }
            var rest = value
            var at = out + 31
            while at >= out + 16 {
                at.initialize(to: Self.digit(UInt8(truncatingIfNeeded: rest & 0xF)))
                rest >>= 4
                at -= 1
            }
            return 32
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Accepts 1–128 characters of `A–Z a–z 0–9 - _ . : + / = @`; nil means generate one.
    static func accept(_ incoming: String?) -> String? {
        guard let incoming, !incoming.isEmpty, incoming.utf8.count <= 128 else { return nil }
        for byte in incoming.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "@"):
                continue
            default:
                return nil
            }
        }
        return incoming
    }

    private static func hex(_ value: UInt64) -> [UInt8] {
        (0..<16).map { i in digit(UInt8(truncatingIfNeeded: (value >> (60 - 4 * UInt64(i))) & 0xF)) }
    }
}
