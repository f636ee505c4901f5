import Glibc
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
    /// Routes without parameters by their whole path: one hash of the path's bytes and one
    /// compare, instead of a dictionary lookup per segment (see ``ExactPaths``).
    private let exact: ExactPaths
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
        var exact = ExactPaths()
        Self.collectExact(root, path: "", into: &exact)
        self.exact = exact
    }

    /// Every node reached by literal segments alone that has endpoints, by its whole path. The
    /// trie tries literal children before the parameter, so for these paths it finds the same node.
    private static func collectExact(_ node: Node, path: String, into exact: inout ExactPaths) {
        if !node.endpoints.isEmpty {
            let methods = node.endpoints.compactMap { method, endpoint in
                endpoint.1.isEmpty ? (method: method, function: endpoint.0) : nil
            }
            if methods.count == node.endpoints.count {
                exact.insert(Array((path.isEmpty ? "/" : path).utf8), node: node, methods: methods)
            }
        }
        for (segment, child) in node.literals { collectExact(child, path: path + "/" + String(segment), into: &exact) }
    }

    /// Looks up `method` and `path` (no query). HEAD falls back to GET.
    public func match(method: String, path: Substring) -> Match {
        if let slot = exact.find(path) {
            if let function = exact.function(at: slot, method: method) { return .found(function, parameters: [:]) }
            return endpointMissing(method: method, exact.node(at: slot))
        }
        var values: [Substring] = []
        guard path.first == "/", let node = find(root, path.dropFirst(), isRoot: true, &values) else { return .notFound }
        let endpoint = node.endpoints[method] ?? (method == "HEAD" ? node.endpoints["GET"] : nil)
        guard let (function, names) = endpoint else { return endpointMissing(method: method, node) }
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

    /// `node` has no endpoint for `method`: HEAD falls back to GET, else 405 with the methods
    /// allowed (404 for a node without endpoints).
    private func endpointMissing(method: String, _ node: Node) -> Match {
        if method == "HEAD", let (function, names) = node.endpoints["GET"], names.isEmpty {
            return .found(function, parameters: [:])
        }
        if node.endpoints.isEmpty { return .notFound }
        var allowed = Set(node.endpoints.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
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

/// Paths without parameters, in an open-addressing table keyed by an FNV-1a hash of the path's
/// bytes: a lookup hashes the path once and compares it once (the trie hashes every segment as
/// a `Substring` and then the method as a `String`).
struct ExactPaths: @unchecked Sendable {
    struct Entry {
        let hash: UInt64
        let path: [UInt8]
        let node: Router.Node
        let methods: [(method: String, function: FunctionRuntime)]
    }

    private var slots: [Entry?] = Array(repeating: nil, count: 16)
    private var count = 0

    mutating func insert(_ path: [UInt8], node: Router.Node, methods: [(method: String, function: FunctionRuntime)]) {
        if (count + 1) * 2 > slots.count {
            let old = slots
            slots = Array(repeating: nil, count: slots.count * 2)
            count = 0
            for case let entry? in old { place(entry) }
        }
        place(Entry(hash: path.withUnsafeBufferPointer(Self.hash), path: path, node: node, methods: methods))
    }

    private mutating func place(_ entry: Entry) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: entry.hash) & mask
        while slots[index] != nil { index = (index + 1) & mask }
        slots[index] = entry
        count += 1
    }

    /// The slot holding `path`, if any. Entries are read in place through the table's buffer: a
    /// copied-out `Entry` retained its path, node and methods and released them again (~150
    /// instructions a request).
    func find(_ path: Substring) -> Int? {
        var path = path  // `withUTF8` is mutating (it may make the bytes contiguous); a copy is free
        return path.withUTF8 { bytes -> Int? in
            let hash = Self.hash(bytes)
            return slots.withUnsafeBufferPointer { table -> Int? in
                let mask = table.count - 1
                var index = Int(truncatingIfNeeded: hash) & mask
                while table[index] != nil {
                    if table[index]!.hash == hash && Self.equal(table[index]!.path, bytes) { return index }
                    index = (index + 1) & mask
                }
                return nil
            }
        }
    }

    /// The function for `method` at a slot ``find(_:)`` returned, if the path has one.
    func function(at slot: Int, method: String) -> FunctionRuntime? {
        slots.withUnsafeBufferPointer { table -> FunctionRuntime? in
            let methods = table[slot]!.methods
            for index in methods.indices where methods[index].method == method { return methods[index].function }
            return nil
        }
    }

    /// The trie node at a slot ``find(_:)`` returned (for HEAD's fallback and 405's `Allow`).
    func node(at slot: Int) -> Router.Node { slots[slot]!.node }

    private static func equal(_ path: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        path.count == bytes.count
            && path.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
