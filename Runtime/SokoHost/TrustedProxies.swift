#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The peers whose `X-Forwarded-For` is believed (`SOKO_TRUSTED_PROXIES`): addresses and networks
/// in CIDR notation, IPv4 or IPv6, comma-separated — `127.0.0.1,::1` by default (a gateway on the
/// same machine); `10.0.0.0/8,172.16.0.0/12,192.168.0.0/16` where the gateway's address is not
/// fixed (a compose network, a Kubernetes pod network). An IPv4 peer seen as `::ffff:a.b.c.d`
/// matches its IPv4 entries.
public struct TrustedProxies: Sendable, Equatable, CustomStringConvertible {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int
    }

    let networks: [Network]

    /// Loopback only.
    public static let loopback = TrustedProxies(networks: [
        Network(bytes: [127, 0, 0, 1], prefix: 32), Network(bytes: Array(repeating: 0, count: 15) + [1], prefix: 128),
    ])

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Parses `a.b.c.d`, `a.b.c.d/n`, `x:y::z`, `x:y::/n`, comma-separated; an empty text trusts no one.
    /// - Throws: ``ConfigurationError`` naming the variable and the entry that is neither.
    public init(parsing text: String, variable: String = "SOKO_TRUSTED_PROXIES") throws(ConfigurationError) {
        var networks: [Network] = []
        for entry in text.split(separator: ",").map({ String($0).trimmingSpaces }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else {
                throw ConfigurationError(
                    variable: variable, value: entry, expected: "an IP address or a CIDR network such as 10.0.0.0/8")
            }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...prefix).contains(bits), parts[1].allSatisfy({ $0.isNumber }) else {
                    throw ConfigurationError(
                        variable: variable, value: entry, expected: "a prefix length of 0 to \(prefix) after the /")
                }
                prefix = bits
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        self.networks = networks
    }

    /// The networks as `SOKO_TRUSTED_PROXIES` would list them (`none` when no one is trusted).
    public var description: String {
        guard !networks.isEmpty else { return "none" }
        return networks.map { network in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = network.bytes.count == 4 ? AF_INET : AF_INET6
            _ = network.bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
            let address = String(cString: text)
            return network.prefix == network.bytes.count * 8 ? address : "\(address)/\(network.prefix)"
        }.joined(separator: ",")
    }

    /// Whether the peer `address` (as the server reports it) is a trusted proxy.
    public func contains(_ address: String) -> Bool {
        guard !networks.isEmpty, var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])  // IPv4-mapped
        }
        return networks.contains { network in
            guard network.bytes.count == bytes.count else { return false }
            var left = network.prefix
            for index in bytes.indices where left > 0 {
                let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
                if bytes[index] & mask != network.bytes[index] & mask { return false }
                left -= 8
            }
            return true
        }
    }

    /// The address's bytes (4 or 16), or nil when it is no IP address.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
