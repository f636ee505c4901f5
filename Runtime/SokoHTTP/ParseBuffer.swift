/// Bytes gathered across http-parser's callbacks (the target, a field's name, its value), in
/// storage the connection owns and reuses for every request it reads.
///
/// An `Array` paid for being general here: its append checked uniqueness and capacity and went
/// through `replaceSubrange`, and emptying it kept the capacity by the same route (~500
/// instructions a request over the three buffers). Appending here is one copy, emptying one store.
/// The storage grows by doubling; http-parser's header limit bounds it.
struct ParseBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes gathered so far, valid until the next append or ``removeAll()``.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func append(_ more: UnsafeRawBufferPointer) {
        guard let source = more.baseAddress, !more.isEmpty else { return }
        let needed = count + more.count
        if needed > capacity {
            var grown = capacity * 2
            while grown < needed { grown *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            larger.update(from: base, count: count)
            base.deallocate()
            base = larger
            capacity = grown
        }
        (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: more.count)
        count = needed
    }

    mutating func removeAll() { count = 0 }

    /// The bytes as text (invalid UTF-8 repaired, as `String(decoding:as:)` does).
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
