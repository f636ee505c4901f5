extension Array where Element == UInt8 {
    /// Appends the decimal digits of a non-negative `value` (a status code, a length, a count)
    /// without building a `String` first.
    @inlinable
    public mutating func appendDecimal(_ value: Int) {
        precondition(value >= 0, "appendDecimal takes a non-negative value")
        if value < 10 {
            append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for Int.max's 19 digits
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value
            var start = buffer.count
            while rest > 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }
}
