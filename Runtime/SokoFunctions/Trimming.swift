extension StringProtocol {
    /// Without leading and trailing whitespace and newlines: Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without linking full Foundation.
    public func trimmingWhitespace() -> String { trimming(while: \.isWhitespace) }

    /// Without the leading and trailing characters for which `isTrimmed` holds.
    public func trimming(while isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
