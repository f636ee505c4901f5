/// Writes bytes through a raw cursor, with no capacity check per write: the caller sized the
/// space before it started (``Swift/Array/appendWriting(atMost:_:)``). A response head or an
/// access-log line is some twenty small pieces; appending each to an `Array` costs a uniqueness
/// and capacity check and a call (~60 instructions) per piece, this costs a store or a `memcpy`.
public struct ByteWriter {
    @usableFromInline let start: UnsafeMutablePointer<UInt8>
    @usableFromInline var cursor: UnsafeMutablePointer<UInt8>

    @inlinable
    init(start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        cursor = start
    }

    /// Bytes written so far.
    @inlinable public var count: Int { start.distance(to: cursor) }

    @inlinable @inline(__always)
    public mutating func write(_ byte: UInt8) {
        cursor.initialize(to: byte)
        cursor += 1
    }

    @inlinable @inline(__always)
    public mutating func write(_ literal: StaticString) {
        literal.withUTF8Buffer { write($0) }
    }

    @inlinable @inline(__always)
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        cursor.initialize(from: base, count: bytes.count)
        cursor += bytes.count
    }

    @inlinable @inline(__always)
    public mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    /// A string's UTF-8 bytes, as they are.
    @inlinable @inline(__always)
    public mutating func writeUTF8<S: StringProtocol>(_ text: S) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { write($0) }
        if copied == nil { for byte in text.utf8 { write(byte) } }
    }

    /// The decimal digits of a non-negative `value` (at most 19 bytes).
    @inlinable
    public mutating func writeDecimal(_ value: Int) {
        precondition(value >= 0, "writeDecimal takes a non-negative value")
        if value < 10 {
            write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 {
            digits &+= 1
            rest /= 10
        }
        rest = value
        var at = cursor + digits
        while rest > 0 {
            at -= 1
            at.initialize(to: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        }
        cursor += digits
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, which must be at most `limit` bytes: written into a scratch
    /// buffer (on the stack when small) with unchecked writes, then appended with one copy.
    @inlinable
    public mutating func appendWriting(atMost limit: Int, _ body: (inout ByteWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Swift.max(limit, 1)) { scratch in
            var writer = ByteWriter(start: scratch.baseAddress!)
            body(&writer)
            precondition(writer.count <= limit, "ByteWriter wrote past the space it was given")
            append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: writer.count))
        }
    }
}
