/// A request id held inline: a generated one as the two 64-bit numbers its 32 hex digits spell
/// (rendered only when written or asked for as a `String`), or a caller's own as its text.
///
/// A generated id as a `String` is 32 bytes, too long for a small string: a heap allocation,
/// its retains and releases and its free on every request (~600 instructions) that the transport
/// and the access log, which only copy its bytes out, never needed.
public struct RequestID: Sendable, Equatable, CustomStringConvertible {
    @usableFromInline
    enum Storage: Sendable, Equatable {
        /// 16 hex digits of `prefix`, then 16 of `counter`.
        case generated(prefix: UInt64, counter: UInt64)
        case text(String)
    }

    @usableFromInline let storage: Storage

    /// A caller's id (or any text) as it is.
    public init(_ text: String) {
        storage = .text(text)
    }

    /// The id `prefix` and `counter` spell: 32 lower-case hex digits.
    public init(prefix: UInt64, counter: UInt64) {
        storage = .generated(prefix: prefix, counter: counter)
    }

    /// The id's bytes as a `String` (made on each call for a generated id).
    public var string: String {
        switch storage {
        case .text(let text): return text
        case .generated(let prefix, let counter):
            return String(unsafeUninitializedCapacity: 32) { buffer in
                Self.writeHex(prefix, counter, to: buffer.baseAddress!)
                return 32
            }
        }
    }

    public var description: String { string }

    /// A caller's id as it was given; nil for a generated one (hex digits only).
    @inlinable
    public var text: String? {
        if case .text(let text) = storage { return text }
        return nil
    }

    /// How many UTF-8 bytes ``write(to:)`` writes.
    @inlinable
    public var utf8Count: Int {
        switch storage {
        case .text(let text): text.utf8.count
        case .generated: 32
        }
    }

    /// Writes the id's bytes as they are (``utf8Count`` of them).
    @inlinable
    public func write(to out: inout ByteWriter) {
        switch storage {
        case .text(let text): out.writeUTF8(text)
        case .generated(let prefix, let counter):
            Self.writeHex(prefix, counter, to: out.cursor)
            out.cursor += 32
        }
    }

    /// Calls `body` with the id's UTF-8 bytes (on the stack for a generated id).
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch storage {
        case .text(var text): return try text.withUTF8(body)
        case .generated(let prefix, let counter):
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
                Self.writeHex(prefix, counter, to: buffer.baseAddress!)
                return try body(UnsafeBufferPointer(buffer))
            }
        }
    }

    /// 32 hex digits of `high` then `low` at `out`: each half's nibbles spread into bytes and
    /// turned into digits eight at a time (a few shifts and masks, no loop per digit).
    @inlinable @inline(__always)
    static func writeHex(_ high: UInt64, _ low: UInt64, to out: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: high >> 32)).bigEndian, as: UInt64.self)
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: high)).bigEndian, toByteOffset: 8, as: UInt64.self)
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: low >> 32)).bigEndian, toByteOffset: 16, as: UInt64.self)
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: low)).bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The eight lower-case hex digits of `value`, the least significant in the lowest byte.
    @inlinable @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var v = UInt64(value)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // 1 in each byte whose nibble is 10 or more: those go to `a`–`f` (0x27 further than `0` + 10).
        let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return v &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
    }
}
