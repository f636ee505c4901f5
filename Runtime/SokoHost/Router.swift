import SokoFunctions
import SokoManifest

/// Matches a method and path to a function, from the manifests' HTTP routes.
///
/// A trie of path segments: literal children first, then one parameter child. A path that
/// matches some route but not the method yields the methods allowed (for 405 with `Allow`).
public final class Router: Sendable {
    /// The outcome of a lookup.
    public enum Match {
        case found(FunctionRuntime, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// A trie node: filled in by `init`, only read afterwards.
    final class Node: @unchecked Sendable {
        var literals: [Substring: Node] = [:]
        var parameter: (name: String, node: Node)?
        var endpoints: [String: (FunctionRuntime, [String])] = [:]
    }

    private let root = Node()
    /// Every route in registration order: (method, path template, function).
    public let table: [(method: String, path: String, function: FunctionRuntime)]

    /// Builds the trie. Route conflicts were refused by manifest validation before this point.
    public init(functions: [FunctionRuntime]) {
        var table: [(String, String, FunctionRuntime)] = []
        for function in functions {
            let routes: [HTTPRoute]
            switch function.manifest.trigger {
            case .http(let declared): routes = declared
            // Another process's event relay delivers here (service tokens only).
            case .event: routes = [EventRoutes.route(function.service, function.name)]
            default: continue
            }
            for route in routes {
                var node = root
                var names: [String] = []
                for segment in route.segments {
                    switch segment {
                    case .literal(let text):
                        let key = Substring(text)
                        if let next = node.literals[key] {
                            node = next
                        } else {
                            let next = Node()
                            node.literals[key] = next
                            node = next
                        }
                    case .parameter(let name):
                        names.append(name)
                        if let existing = node.parameter {
                            node = existing.node
                        } else {
                            let next = Node()
                            node.parameter = (name, next)
                            node = next
                        }
                    }
                }
                node.endpoints[route.method] = (function, names)
                table.append((route.method, route.path, function))
            }
        }
        self.table = table.map { (method: $0.0, path: $0.1, function: $0.2) }
    }

    /// Looks up `method` and `path` (no query). HEAD falls back to GET.
    public func match(method: String, path: Substring) -> Match {
        var values: [Substring] = []
        guard path.first == "/", let node = find(root, path.dropFirst(), isRoot: true, &values) else { return .notFound }
        let endpoint = node.endpoints[method] ?? (method == "HEAD" ? node.endpoints["GET"] : nil)
        guard let (function, names) = endpoint else {
            if node.endpoints.isEmpty { return .notFound }
            var allowed = Set(node.endpoints.keys)
            if allowed.contains("GET") { allowed.insert("HEAD") }
            return .methodNotAllowed(allowed: allowed.sorted())
        }
        if names.isEmpty { return .found(function, parameters: [:]) }
        var parameters: [String: String] = [:]
        for (name, value) in zip(names, values) {
            let decoded = PercentDecoding.decode(value)
            // No resource is named with control characters (`%00` and friends): nothing to find.
            if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return .notFound }
            parameters[name] = decoded
        }
        return .found(function, parameters: parameters)
    }

    /// Walks the trie over `rest` (the path after a `/`), one segment at a time, without
    /// splitting the path into an array.
    private func find(_ node: Node, _ rest: Substring, isRoot: Bool, _ values: inout [Substring]) -> Node? {
        if rest.isEmpty {
            // "/" itself, or a trailing slash (which never matches: routes have no empty segments).
            return isRoot && !node.endpoints.isEmpty ? node : nil
        }
        let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/"))
        let segment = slash.map { rest[..<$0] } ?? rest
        let remainder = slash.map { rest[rest.utf8.index(after: $0)...] }
        if let next = node.literals[segment] {
            if let remainder {
                if let found = find(next, remainder, isRoot: false, &values) { return found }
            } else if !next.endpoints.isEmpty {
                return next
            }
        }
        if let (_, next) = node.parameter, !segment.isEmpty {
            values.append(segment)
            if let remainder {
                if let found = find(next, remainder, isRoot: false, &values) { return found }
            } else if !next.endpoints.isEmpty {
                return next
            }
            values.removeLast()
        }
        return nil
    }
}
