/// Reads the trigger key of a function entry: `http`, `event` or `schedule`.
enum TriggerEntryParser {
    static func parse(_ node: ManifestNode, kind: String) throws(ManifestError) -> Trigger {
        switch kind {
        case "http": return try http(node)
        case "event": return try event(node)
        default: return try schedule(node)
        }
    }

    /// `http: POST /cart/items` or a list of such routes.
    static func http(_ node: ManifestNode) throws(ManifestError) -> Trigger {
        var routes: [HTTPRoute] = []
        for text in try node.scalarOrList(expecting: "a route such as \"POST /items\" or a list of routes") {
            do throws(SyntaxProblem) {
                routes.append(try HTTPRouteParser.check(text))
            } catch {
                throw node.error("\"\(text)\" is not a route: \(error.message)")
            }
        }
        return .http(routes)
    }

    /// `event: order.placed` or a list of event names.
    static func event(_ node: ManifestNode) throws(ManifestError) -> Trigger {
        let names = try node.scalarOrList(expecting: "an event name such as order.placed or a list of them")
        for name in names where !isEventName(name) {
            throw node.error(
                "\"\(name)\" is not an event name (lowercase letters, digits, '.', '_' and '-', starting with a letter, e.g. order.placed)"
            )
        }
        return .event(names)
    }

    /// `schedule: every 10m` or a cron expression.
    static func schedule(_ node: ManifestNode) throws(ManifestError) -> Trigger {
        let text = try node.scalar(expecting: "a schedule (\(ScheduleParser.expectedForm))")
        do throws(SyntaxProblem) {
            return .schedule(try ScheduleParser.check(text))
        } catch {
            throw node.error("\"\(text)\" is not a schedule: \(error.message)")
        }
    }

    static func isEventName(_ name: String) -> Bool {
        guard let first = name.first, ManifestCharacters.isLower(first) else { return false }
        return name.allSatisfy { ManifestCharacters.isLower($0) || ManifestCharacters.isDigit($0) || "._-".contains($0) }
    }
}
