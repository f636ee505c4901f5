import CYAML

/// Why a text is not one YAML document, in one line with the position (lines and columns from 1).
public struct YAMLError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) { self.description = description }

    /// A refusal at a position of the text.
    init(at mark: yaml_mark_t, _ problem: String) {
        description = "YAML syntax error at line \(mark.line + 1), column \(mark.column + 1): \(problem)"
    }

    /// libyaml's own account of a failed parse: its problem, where, and what it was reading then.
    init(parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        guard parser.error != YAML_READER_ERROR else {
            self.init("the file is not readable as UTF-8 text: \(problem) at byte \(parser.problem_offset)")
            return
        }
        let during = parser.context.map { " (\(String(cString: $0)) at line \(parser.context_mark.line + 1))" } ?? ""
        self.init(at: parser.problem_mark, problem + during)
    }
}
