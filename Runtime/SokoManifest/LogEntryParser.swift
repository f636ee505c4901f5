/// Reads a function's `log: { redact: [token] }`: path parameters the access log must not show.
enum LogEntryParser {
    static let keys = ["redact"]

    static func parse(_ node: ManifestNode, trigger: Trigger) throws(ManifestError) -> [String] {
        guard case .http(let routes) = trigger else {
            throw node.error("applies to HTTP calls only; this function has no http trigger")
        }
        var redacted: [String] = []
        for (_, value) in try node.entries(allowed: keys, expecting: "a mapping such as { redact: [token] }") {
            redacted = try value.scalarOrList(expecting: "the names of path parameters to keep out of the access log")
            let parameters = Set(
                routes.flatMap(\.segments).compactMap { segment -> String? in
                    if case .parameter(let name) = segment { return name }
                    return nil
                })
            for name in redacted where !parameters.contains(name) {
                let known = parameters.sorted().map { "{\($0)}" }.joined(separator: ", ")
                throw value.error(
                    "\"\(name)\" is not a path parameter of this function's routes (it has \(known.isEmpty ? "none" : known))")
            }
        }
        return redacted
    }
}

extension FunctionManifest {
    /// The literal beginnings (`/webhooks/mpesa/`) of this function's routes that hide a path
    /// parameter (`log: { redact: […] }`): whatever follows may be a secret. The host redacts
    /// unrouted paths below them, Kubernetes keeps them out of the Ingress controller's log.
    public var redactedRoutePrefixes: [String] {
        guard !redactedPathParameters.isEmpty, case .http(let routes) = trigger else { return [] }
        let names = Set(redactedPathParameters)
        var prefixes: [String] = []
        for route in routes {
            let hides = route.segments.contains { if case .parameter(let name) = $0 { names.contains(name) } else { false } }
            guard hides else { continue }
            var prefix = "/"
            for segment in route.segments {
                guard case .literal(let text) = segment else { break }
                prefix += text + "/"
            }
            if !prefixes.contains(prefix) { prefixes.append(prefix) }
        }
        return prefixes
    }
}
