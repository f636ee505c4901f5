import SokoManifest

/// Rewrites a request's path for the access log so that the path parameters a function's manifest
/// lists under `log: { redact: [...] }` read `[redacted]` (a bearer secret in a URL, such as the
/// M-Pesa callback token, must not end up in log storage).
struct PathRedaction: Sendable {
    static let mark: Substring = "[redacted]"

    /// Per route: its segments, and the positions of the segments to hide.
    private let routes: [(segments: [PathSegment], hidden: Set<Int>)]
    /// What is logged when the path fits none of the routes (never expected: the router matched one).
    private let fallback: Substring

    /// Nil when the function hides nothing (its paths are logged as they came).
    init?(_ manifest: FunctionManifest) {
        guard !manifest.redactedPathParameters.isEmpty, case .http(let declared) = manifest.trigger,
            let first = declared.first
        else { return nil }
        let names = Set(manifest.redactedPathParameters)
        routes = declared.map { route in
            let hidden = route.segments.indices.filter { index in
                if case .parameter(let name) = route.segments[index] { return names.contains(name) }
                return false
            }
            return (route.segments, Set(hidden))
        }
        fallback = Substring(first.path)
    }

    /// `path` (without the query) with the hidden segments replaced.
    func redact(_ path: Substring) -> Substring {
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for route in routes where route.segments.count == parts.count {
            let fits = zip(route.segments, parts).allSatisfy { segment, part in
                if case .literal(let text) = segment { return text == part }
                return true
            }
            guard fits else { continue }
            var out = ""
            for (index, part) in parts.enumerated() {
                out += "/"
                out += route.hidden.contains(index) ? Self.mark : part
            }
            return Substring(out)
        }
        return fallback
    }

    /// The literal beginnings of the routes that hide a segment (`/webhooks/mpesa/`): a request
    /// that matches no route but starts so (a wrong method, a trailing slash) is logged, and
    /// answered, with the rest hidden too.
    static func unroutedPrefixes(_ functions: [FunctionRuntime]) -> [String] {
        // Everything after the literal beginning: the hidden segment may follow another parameter.
        Set(functions.flatMap(\.manifest.redactedRoutePrefixes)).sorted()
    }

    /// `path` with everything after a hiding route's literal beginning replaced, or `path`.
    static func unrouted(_ path: Substring, prefixes: [String]) -> Substring {
        let bare = path.prefix { $0 != "?" }
        guard let prefix = prefixes.first(where: { bare.hasPrefix($0) && bare.count > $0.count }) else { return path }
        return Substring(prefix) + mark
    }
}
