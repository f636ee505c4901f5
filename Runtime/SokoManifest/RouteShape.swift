/// What a route matches: its method and its segments with parameter names erased.
///
/// `GET /orders/{id}` and `GET /orders/{orderId}` have the same shape: no request could tell them
/// apart, so two functions may not claim them both. `GET /orders/{id}` and `GET /orders/recent`
/// differ (a literal segment is not a parameter).
public struct RouteShape: Hashable, Sendable {
    /// A segment with the parameter name dropped.
    public enum Segment: Hashable, Sendable {
        /// Matches exactly this text.
        case literal(String)
        /// Matches any one segment.
        case parameter
    }

    /// The upper-case method, e.g. `GET`.
    public var method: String
    /// The path's segments, parameters anonymous.
    public var segments: [Segment]

    /// The shape of `route`.
    public init(_ route: HTTPRoute) {
        method = route.method
        segments = route.segments.map { segment in
            switch segment {
            case .literal(let text): .literal(text)
            case .parameter: .parameter
            }
        }
    }
}
