import SokoManifest

/// Whether the manifests, the registered handlers and `openapi.yaml` describe the same functions
/// (`soko routes --check`).
///
/// Every function a manifest names has a handler and every handler a manifest entry; every
/// operation in the OpenAPI document is a manifest route, with the function's name as its
/// `operationId` (or, for a function with several routes, an id starting with it); every manifest route a client may call has an operation. Routes a client never
/// calls directly — `auth: service` and the host's own `/_…` paths — may go undocumented.
public enum RouteAgreement {
    /// The host's own routes, documented in the OpenAPI document but in no manifest.
    public static let hostRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /metrics", "POST /_soko/events/{}/{}", "POST /_soko/dead-letters/{}",
        "POST /_soko/dead-letters/{}/retry",
    ]

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// One line per disagreement, sorted; empty when everything agrees.
    ///
    /// - Parameters:
    ///   - registered: each compiled bundle's service and the names it registers.
    ///   - openAPI: the OpenAPI document's text.
    /// - Throws: when the document is not YAML with a `paths` mapping.
    public static func disagreements(
        manifests: [ServiceManifest], registered: [String: Set<String>], openAPI: String
    ) throws -> [String] {
        var lines: [String] = []
        for manifest in manifests {
            let names = Set(manifest.functions.map(\.name))
            let handlers = registered[manifest.service] ?? []
            for name in names.subtracting(handlers).sorted() {
                lines.append("\(manifest.file): \(name) has no registered handler in the \(manifest.service) bundle")
            }
            for name in handlers.subtracting(names).sorted() {
                lines.append(
                    "\(manifest.file): the \(manifest.service) bundle registers \(name), which the manifest does not name")
            }
        }
        let documented = try operations(openAPI)
        var routes: [String: (function: String, file: String, auth: AuthPolicy, route: String, shared: Bool)] = [:]
        for manifest in manifests {
            for function in manifest.functions {
                guard case .http(let list) = function.trigger else { continue }
                for route in list {
                    routes[key(route.method, route.path)] = (
                        function.name, manifest.file, function.auth, "\(route.method) \(route.path)", list.count > 1
                    )
                }
            }
        }
        for (route, operation) in documented.sorted(by: { $0.key < $1.key }) where !hostRoutes.contains(route) {
            guard let function = routes[route] else {
                lines.append("openapi.yaml: \(operation.route) is in no manifest")
                continue
            }
            // OpenAPI ids are unique: a function with several routes names the others `<name>Something`.
            let id = operation.id ?? ""
            if id != function.function, !(function.shared && id.hasPrefix(function.function)) {
                lines.append(
                    "openapi.yaml: \(operation.route) has operationId \(operation.id ?? "(none)"), not \(function.function)")
            }
        }
        for (route, function) in routes.sorted(by: { $0.key < $1.key }) where documented[route] == nil {
            guard function.auth != .service, !function.route.contains(" /_") else { continue }
            lines.append("\(function.file): \(function.function) (\(function.route)) has no operation in openapi.yaml")
        }
        return lines
    }

    /// `METHOD /path/{}` → its operationId, from the document's `paths`.
    static func operations(_ text: String) throws -> [String: (route: String, id: String?)] {
        guard let paths = try YAMLReader.read(text)?["paths"]?.entries else {
            throw RouteAgreementError("openapi.yaml has no paths mapping")
        }
        var found: [String: (route: String, id: String?)] = [:]
        for (pathNode, item) in paths {
            guard let path = pathNode.text else { continue }
            for method in methods {
                guard let operation = item[method], operation.entries != nil else { continue }
                found[key(method.uppercased(), path)] = (method.uppercased() + " " + path, operation["operationId"]?.text)
            }
        }
        return found
    }

    /// A route's method and path with parameter names erased, so `/a/{id}` meets `/a/{key}`.
    static func key(_ method: String, _ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? "{}" : String(segment)
        }
        return method + " " + segments.joined(separator: "/")
    }
}

/// The OpenAPI document cannot be read.
public struct RouteAgreementError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
