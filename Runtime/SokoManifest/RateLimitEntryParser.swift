/// Reads a function's `rateLimit: { requests: 10, per: 1m }`: calls one caller may make per window.
enum RateLimitEntryParser {
    static let keys = ["requests", "per"]
    static let expectedForm = "a mapping such as { requests: 10, per: 1m }"

    static func parse(_ node: ManifestNode, trigger: Trigger) throws(ManifestError) -> RateLimitPolicy {
        guard case .http = trigger else {
            throw node.error("applies to HTTP calls only; this function has no http trigger")
        }
        let entries = try node.entries(allowed: keys, expecting: expectedForm)
        guard let requestsNode = entries.first(where: { $0.name == "requests" })?.value else {
            throw node.error("needs requests: how many calls one caller may make per window (\(expectedForm))")
        }
        guard let perNode = entries.first(where: { $0.name == "per" })?.value else {
            throw node.error("needs per: the window the requests are counted in (\(expectedForm))")
        }
        let requests = try requestsNode.integer(atLeast: 1, counting: "requests per window")
        let text = try perNode.scalar(expecting: "a duration (\(DurationParser.expectedForm))")
        guard let window = DurationParser.parse(text) else {
            throw perNode.error("\"\(text)\" is not a duration (\(DurationParser.expectedForm))")
        }
        guard window >= RateLimitPolicy.shortestWindow, window <= RateLimitPolicy.longestWindow else {
            throw perNode.error("must be from 1s to 24h, found \"\(text)\"")
        }
        return RateLimitPolicy(requests: requests, window: window)
    }
}

/// `rateLimit:` — how many calls one caller (the token's subject; the client address for anonymous
/// callers) may make to the function per fixed window, counted across replicas in the service's
/// store. Over it the host answers 429 with `Retry-After` before the handler runs.
public struct RateLimitPolicy: Sendable, Equatable {
    public var requests: Int
    public var window: Duration

    public static let shortestWindow: Duration = .seconds(1)
    public static let longestWindow: Duration = .seconds(24 * 3600)

    public init(requests: Int, window: Duration) {
        self.requests = requests
        self.window = window
    }

    /// The window in whole milliseconds.
    public var windowMilliseconds: Int64 {
        let (seconds, attoseconds) = window.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
