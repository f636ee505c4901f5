extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes with one copy. `append(contentsOf: "…".utf8)` takes the
    /// generic sequence path (a `String.UTF8View` copied through `_copyContents`), which was ~15%
    /// of the instructions a `GET /hello` costs the host (callgrind, benchmarks/README.md).
    @inlinable @inline(__always)
    public mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a string's UTF-8 bytes with one copy when they are contiguous (always, for native
    /// strings), else through the view.
    @inlinable @inline(__always)
    public mutating func appendUTF8<S: StringProtocol>(_ text: S) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }
}
