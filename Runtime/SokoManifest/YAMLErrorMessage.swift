import Yams

/// Turns a Yams error into one line for a ``ManifestError`` message.
///
/// Yams's own description spans several lines with a source snippet; the manifest error names the
/// file already, so this keeps the position and the problem.
enum YAMLErrorMessage {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "YAML error: \(error)" }
        switch error {
        case let .scanner(context, problem, mark, _),
            let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)\(during)"
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return "the key \(keys) appears twice in the mapping that starts at line \(context.mark.line)"
        case let .reader(problem, _, _, _):
            return "the file is not readable as UTF-8 text: \(problem)"
        default:
            return "YAML error: \(error)"
        }
    }
}
