import SokoHTTP

/// What routing decided at the end of the request head; carried to `handle` in the plan.
final class RoutePlan: Sendable {
    enum Target: Sendable {
        case function(FunctionRuntime, parameters: [String: String])
        case builtin(BuiltinEndpoint)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    let target: Target
    init(_ target: Target) { self.target = target }
}

/// The host's own endpoints, served by every process and never routed by the gateway.
enum BuiltinEndpoint: String, CaseIterable {
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"

    static func match(_ path: Substring) -> BuiltinEndpoint? {
        // Most paths are no built-in: two length compares decide (no string comparison).
        let length = path.utf8.count
        guard length == 7 || length == 8 else { return nil }
        return switch path {
        case "/healthz": .healthz
        case "/readyz": .readyz
        case "/metrics": .metrics
        default: nil
        }
    }
}
