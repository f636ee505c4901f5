/// Reads durations written as a whole number and a unit: `500ms`, `2s`, `1m`, `1h`.
///
/// Used for manifest keys (`timeout`, `schedule: every 10m`) and by the CLI for environment
/// variables such as `SOKO_IDLE_TIMEOUT=75s`.
public enum DurationParser {
    /// How a duration is written, for error messages.
    public static let expectedForm = "use a number and a unit: 500ms, 2s, 1m, 1h"

    /// Parses `text` as a duration.
    ///
    /// The form is strict: ASCII digits immediately followed by one of `ms`, `s`, `m`, `h`, with no
    /// sign, spaces, fractions or upper-case units. Zero (`0s`) is accepted here; callers that need
    /// a positive duration check it themselves so they can say so.
    /// - Returns: the duration, or `nil` when the text is malformed or too large to represent.
    public static func parse(_ text: String) -> Duration? {
        let digits = text.prefix(while: ManifestCharacters.isDigit)
        guard let value = ManifestCharacters.number(digits) else { return nil }
        let seconds: (Int) -> Duration? = { multiplier in
            let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : .seconds(product)
        }
        switch text.dropFirst(digits.count) {
        case "ms": return .milliseconds(value)
        case "s": return .seconds(value)
        case "m": return seconds(60)
        case "h": return seconds(3600)
        default: return nil
        }
    }
}
