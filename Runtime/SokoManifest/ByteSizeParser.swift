/// Reads byte sizes: a whole number, optionally followed by a unit.
///
/// Decimal units `B`, `KB`, `MB`, `GB` (powers of 1000) and binary units `KiB`, `MiB`, `GiB`
/// (powers of 1024); a plain number means bytes. Used for `bodyLimit` and by the CLI for
/// environment variables.
public enum ByteSizeParser {
    /// How a size is written, for error messages.
    public static let expectedForm = "use a number and a unit: 512B, 64KB, 64KiB, 1MiB, 1GB"

    private static let multipliers: [Substring: Int] = [
        "": 1, "B": 1,
        "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
    ]

    /// Parses `text` as a number of bytes.
    ///
    /// Units are case-sensitive (`kb` is refused: it is ambiguous between bits and bytes in the
    /// wild). Zero is accepted here; callers enforce their own bounds.
    /// - Returns: the size in bytes, or `nil` when the text is malformed or overflows `Int`.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix(while: ManifestCharacters.isDigit)
        guard let value = ManifestCharacters.number(digits),
            let multiplier = multipliers[text.dropFirst(digits.count)]
        else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}

extension ManifestDefaults {
    /// The largest `bodyLimit` a manifest may ask for (1 GiB); larger bodies belong in object storage.
    public static let bodyLimitCeiling = 1 << 30
}
