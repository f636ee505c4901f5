/// Reads a function's `gateway:` — what the nginx gateway in front does for its routes, before any
/// host sees the request:
///
/// ```yaml
/// gateway:
///   rateLimit: { requests: 10, per: 1m, burst: 5 }   # per client address; over it: 429
///   allow: [196.201.214.200, 196.201.213.0/24]       # only these addresses (else 403)
/// ```
enum GatewayEntryParser {
    static let keys = ["rateLimit", "allow"]
    static let rateKeys = ["requests", "per", "burst"]

    static func parse(_ node: ManifestNode, trigger: Trigger) throws(ManifestError) -> GatewayPolicy {
        guard case .http = trigger else {
            throw node.error("applies to HTTP routes only; this function has no http trigger")
        }
        var policy = GatewayPolicy()
        for (key, value) in try node.entries(allowed: keys, expecting: "a mapping with rateLimit and/or allow") {
            switch key {
            case "rateLimit": policy.rateLimit = try rate(value)
            default: policy.allow = try addresses(value)
            }
        }
        return policy
    }

    /// nginx counts per second or per minute: `per` is 1s or 1m.
    private static func rate(_ node: ManifestNode) throws(ManifestError) -> GatewayRateLimit {
        let form = "a mapping such as { requests: 10, per: 1m, burst: 5 }"
        let entries = try node.entries(allowed: rateKeys, expecting: form)
        guard let requests = entries.first(where: { $0.name == "requests" })?.value,
            let per = entries.first(where: { $0.name == "per" })?.value
        else { throw node.error("needs requests and per (\(form))") }
        let count = try requests.integer(atLeast: 1, counting: "requests per client address")
        let text = try per.scalar(expecting: "1s or 1m")
        let unit: GatewayRateLimit.Unit
        switch text {
        case "1s": unit = .second
        case "1m": unit = .minute
        default: throw per.error("must be 1s or 1m (nginx counts per second or per minute), found \"\(text)\"")
        }
        let burst =
            try entries.first(where: { $0.name == "burst" })?.value.integer(atLeast: 0, counting: "requests over the rate") ?? 0
        return GatewayRateLimit(requests: count, per: unit, burst: burst)
    }

    /// IPv4/IPv6 addresses or CIDR networks.
    private static func addresses(_ node: ManifestNode) throws(ManifestError) -> [String] {
        let list = try node.scalarOrList(expecting: "addresses or CIDR networks allowed to call")
        for entry in list {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            let address = parts[0]
            let valid =
                !address.isEmpty && address.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
                && (parts.count == 1 || (parts.count == 2 && Int(parts[1]).map { (0...128).contains($0) } == true))
            guard valid else { throw node.error("\"\(entry)\" is not an address or a CIDR network") }
        }
        return list
    }
}

/// `gateway:` — the gateway's own rules for a function's routes (see ``GatewayEntryParser``).
public struct GatewayPolicy: Sendable, Equatable {
    /// Per client address, in the gateway (429 over it); nil: none.
    public var rateLimit: GatewayRateLimit?
    /// Only these addresses or networks may call (403 for others); empty: anyone.
    public var allow: [String] = []

    public init(rateLimit: GatewayRateLimit? = nil, allow: [String] = []) {
        self.rateLimit = rateLimit
        self.allow = allow
    }
}

/// A gateway rate limit: `requests` per second or minute per client address, `burst` over it.
public struct GatewayRateLimit: Sendable, Equatable, Hashable {
    public enum Unit: String, Sendable, Hashable {
        case second = "s"
        case minute = "m"
    }

    public var requests: Int
    public var per: Unit
    public var burst: Int

    public init(requests: Int, per: Unit, burst: Int = 0) {
        self.requests = requests
        self.per = per
        self.burst = burst
    }
}
