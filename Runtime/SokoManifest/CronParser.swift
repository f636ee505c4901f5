/// Reads five-field cron expressions: `minute hour day-of-month month day-of-week`.
///
/// Each field is `*`, a value, a range `a-b`, any of those with a step (`*/5`, `10-50/10`), or a
/// comma-separated list of them. Ranges: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12,
/// day-of-week 0-7 where 7 is Sunday like 0. Names (`MON`, `JAN`) and macros (`@daily`) are not
/// supported: one spelling per schedule keeps manifests easy to compare.
public enum CronParser {
    /// Parses `text` as a cron expression.
    /// - Returns: the expression with each field expanded to the set of values it matches, or
    ///   `nil` when the text is not a valid five-field expression.
    public static func parse(_ text: String) -> CronExpression? {
        try? check(text)
    }

    /// Like ``parse(_:)``, but says what is wrong.
    static func check(_ text: String) throws(SyntaxProblem) -> CronExpression {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw SyntaxProblem(
                "a cron expression has five fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        return CronExpression(
            source: text,
            minutes: try CronField.minute.values(of: fields[0]),
            hours: try CronField.hour.values(of: fields[1]),
            daysOfMonth: try CronField.dayOfMonth.values(of: fields[2]),
            months: try CronField.month.values(of: fields[3]),
            daysOfWeek: Set(try CronField.dayOfWeek.values(of: fields[4]).map { $0 == 7 ? 0 : $0 }))
    }
}

/// One field of a cron expression: its name (for messages) and the values it may hold.
struct CronField {
    let name: String
    let range: ClosedRange<Int>

    static let minute = CronField(name: "minute", range: 0...59)
    static let hour = CronField(name: "hour", range: 0...23)
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31)
    static let month = CronField(name: "month", range: 1...12)
    static let dayOfWeek = CronField(name: "day-of-week", range: 0...7)

    /// The values matched by `text`, a comma-separated list of items.
    func values(of text: Substring) throws(SyntaxProblem) -> Set<Int> {
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            result.formUnion(try values(ofItem: item))
        }
        return result
    }

    /// The values matched by one item: `*`, `n`, `a-b`, `*/s` or `a-b/s`.
    private func values(ofItem item: Substring) throws(SyntaxProblem) -> Set<Int> {
        guard !item.isEmpty else { throw problem("has an empty list item") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw problem("item \"\(item)\" has more than one step") }
        var step = 1
        if parts.count == 2 {
            guard let value = ManifestCharacters.number(parts[1]), value >= 1 else {
                throw problem("step \"\(parts[1])\" is not a whole number of at least 1")
            }
            step = value
        }
        let bounds = try self.bounds(of: parts[0])
        if parts.count == 2, parts[0] != "*", !parts[0].contains("-") {
            throw problem("step \"\(item)\" needs a range or *: write \(parts[0])-\(range.upperBound)/\(step)")
        }
        return Set(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
    }

    /// The range an item covers before its step: all of the field for `*`, else `a-b` or `n`.
    private func bounds(of text: Substring) throws(SyntaxProblem) -> ClosedRange<Int> {
        if text == "*" { return range }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2 else { throw problem("\"\(text)\" is not a value or a range a-b") }
        let low = try value(ends[0])
        let high = ends.count == 2 ? try value(ends[1]) : low
        guard low <= high else { throw problem("range \"\(text)\" runs backwards (\(low) > \(high))") }
        return low...high
    }

    private func value(_ text: Substring) throws(SyntaxProblem) -> Int {
        guard let value = ManifestCharacters.number(text) else {
            throw problem("\"\(text)\" is not a number, a range a-b, * or a step */n")
        }
        guard range.contains(value) else {
            throw problem("value \(value) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return value
    }

    private func problem(_ detail: String) -> SyntaxProblem {
        SyntaxProblem("\(name) field \(detail)")
    }
}
