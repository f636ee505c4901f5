/// Reads a `schedule:` value: `every <duration>` or a five-field cron expression.
public enum ScheduleParser {
    /// How a schedule is written, for error messages.
    public static let expectedForm =
        "use \"every 10m\" or a five-field cron expression such as \"*/5 * * * *\""

    /// Parses `text` as a schedule.
    /// - Returns: `.every(d)` for `every <duration>` with a positive duration, `.cron(e)` for a
    ///   valid cron expression, `nil` otherwise.
    public static func parse(_ text: String) -> Schedule? {
        try? check(text)
    }

    /// Like ``parse(_:)``, but says what is wrong.
    static func check(_ text: String) throws(SyntaxProblem) -> Schedule {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.first == "every" {
            guard words.count == 2, let interval = DurationParser.parse(String(words[1])) else {
                throw SyntaxProblem("\"every\" takes one duration (\(DurationParser.expectedForm))")
            }
            guard interval > .zero else { throw SyntaxProblem("the interval must be greater than zero") }
            return .every(interval)
        }
        guard words.count == 5 else { throw SyntaxProblem(expectedForm) }
        return .cron(try CronParser.check(text))
    }
}
