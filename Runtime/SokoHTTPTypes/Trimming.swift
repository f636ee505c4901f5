extension StringProtocol {
    /// The text without ASCII whitespace (space, tab, CR, LF) at either end: full Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` for the ASCII text of headers, settings
    /// and lists, without linking full Foundation.
    public var trimmingASCIIWhitespace: Substring {
        let text = Substring(self)
        let utf8 = text.utf8
        func isWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        guard let first = utf8.firstIndex(where: { !isWhitespace($0) }),
            let last = utf8.lastIndex(where: { !isWhitespace($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }
}
