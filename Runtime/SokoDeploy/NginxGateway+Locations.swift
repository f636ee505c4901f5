import SokoManifest

/// The public routes as the gateway sees them: one location per path, the methods sharing a path
/// sharing it, with the strictest limits of the functions behind it.
extension NginxGateway {
    /// A route the gateway serves, and what it knows of it.
    struct Location {
        var path: String
        var segments: [PathSegment]
        var service: String
        var functions: [String]
        /// The deployment unit serving each method, in the order first seen.
        var units: [(method: String, unit: String)]

        var distinctUnits: [String] { units.reduce(into: []) { if !$0.contains($1.unit) { $0.append($1.unit) } } }
        /// Functions of different units share the path.
        var isMixed: Bool { distinctUnits.count > 1 }
        var bodyLimit: Int
        var timeoutSeconds: Int
        /// The gateway's rate limit per client address (`gateway: { rateLimit: … }`).
        var rateLimit: GatewayRateLimit?
        /// Who may call (`gateway: { allow: […] }`, or the override); empty: anyone.
        var allow: [String]
        /// A function here hides path parameters in logs (`log: { redact: […] }`).
        var redacts = false
    }

    /// The public routes, one location per path (methods sharing a path share it), in manifest order.
    func locations() throws -> [Location] {
        var byPath: [String: Location] = [:]
        var order: [String] = []
        for manifest in manifests {
            for function in manifest.functions {
                guard case .http(let routes) = function.trigger, function.auth != .service else { continue }
                for route in routes where !route.path.hasPrefix("/_") && !route.path.hasPrefix("/internal/") {
                    let key =
                        "/"
                        + route.segments.map { segment -> String in
                            switch segment {
                            case .literal(let text): text
                            case .parameter: "{}"
                            }
                        }.joined(separator: "/")
                    let name = "\(manifest.service).\(function.name)"
                    let seconds = Int(function.timeout.components.seconds) + (function.timeout.components.attoseconds > 0 ? 1 : 0)
                    if var existing = byPath[key] {
                        guard existing.service == manifest.service else {
                            throw Conflict(
                                description: "\(route.path) is served by both \(existing.service) and \(manifest.service)")
                        }
                        if !existing.functions.contains(name) { existing.functions.append(name) }
                        if !existing.units.contains(where: { $0.method == route.method }) {
                            existing.units.append((route.method, manifest.unitName(of: function)))
                        }
                        existing.bodyLimit = max(existing.bodyLimit, function.bodyLimit)
                        existing.timeoutSeconds = max(existing.timeoutSeconds, seconds)
                        existing.rateLimit = existing.rateLimit ?? function.gateway.rateLimit
                        if existing.allow.isEmpty { existing.allow = allow(function) }
                        existing.redacts = existing.redacts || !function.redactedPathParameters.isEmpty
                        byPath[key] = existing
                    } else {
                        byPath[key] = Location(
                            path: route.path, segments: route.segments, service: manifest.service, functions: [name],
                            units: [(route.method, manifest.unitName(of: function))],
                            bodyLimit: function.bodyLimit, timeoutSeconds: seconds, rateLimit: function.gateway.rateLimit,
                            allow: allow(function), redacts: !function.redactedPathParameters.isEmpty)
                        order.append(key)
                    }
                }
            }
        }
        return order.map { byPath[$0]! }
    }
}
