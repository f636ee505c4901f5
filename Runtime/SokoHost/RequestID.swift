import SokoHTTPTypes

/// Request ids: a sane incoming `X-Request-ID` is kept, anything else replaced by a fresh one.
struct RequestIDGenerator {
    private let prefix: UInt64
    private var counter: UInt64 = 0

    init() {
        var generator = SystemRandomNumberGenerator()
        prefix = generator.next()
    }

    /// A new 32-hex-digit id: 64 random bits per loop and process start, then a counter.
    mutating func next() -> String {
        nextID().string
    }

    /// The same id held inline (``RequestID``): its digits are written where it goes, no `String`.
    mutating func nextID() -> RequestID {
        counter &+= 1
        return RequestID(prefix: prefix, counter: counter)
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
}
