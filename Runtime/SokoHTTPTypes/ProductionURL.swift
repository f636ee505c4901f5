import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a URL in a shop's settings points at, for the production checks: this machine, a
/// documentation placeholder, a route the gateway never serves, or somewhere real.
public enum ProductionURL {
    public enum Kind: Sendable, Equatable {
        /// Loopback (`localhost`, `127.0.0.0/8` in any spelling, `::1`, `::ffff:127.0.0.1`) or the
        /// unspecified address: nothing outside reaches it.
        case local
        /// A private, link-local or shared address (`10/8`, `172.16/12`, `192.168/16`, `169.254/16`,
        /// `100.64/10`, `fc00::/7`, `fe80::/10`) or a name only a local network resolves (one label,
        /// `.local`, `.internal`, `.lan`, `.home.arpa`, a cluster's `.cluster.local`).
        case privateNetwork
        /// A name reserved for documentation (RFC 2606: `example.com`, `example.net`, `example.org`,
        /// `.example`, `.test`, `.invalid`) — copied from a README, never a shop.
        case placeholder
        /// A path under `/_` (the host's own `/_soko/…`, a development stand-in's `/_…` routes): the
        /// gateway never routes it, so nothing outside reaches it.
        case unrouted
        /// Anything else.
        case real
    }

    /// The host of an http(s) URL, lower-cased, without brackets or a trailing dot; nil when the
    /// text is not one.
    public static func host(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), let host = URL(string: text)?.host,
            !host.isEmpty
        else { return nil }
        var name = String(host.lowercased().filter { $0 != "[" && $0 != "]" })
        while name.hasSuffix(".") { name.removeLast() }
        return name.isEmpty ? nil : name
    }

    public static func kind(_ text: String) -> Kind {
        guard let host = host(text) else { return .placeholder }
        if let path = URL(string: text)?.path, path.hasPrefix("/_") { return .unrouted }
        if let kind = addressKind(host) { return kind }
        if host == "localhost" || host.hasSuffix(".localhost") { return .local }
        let reserved = ["example.com", "example.net", "example.org"]
        if reserved.contains(where: { host == $0 || host.hasSuffix("." + $0) })
            || [".example", ".test", ".invalid"].contains(where: host.hasSuffix) || ["example", "test", "invalid"].contains(host)
        {
            return .placeholder
        }
        if !host.contains(".") || [".local", ".internal", ".lan", ".home.arpa", ".intranet"].contains(where: host.hasSuffix) {
            return .privateNetwork
        }
        return .real
    }

    /// The kind of an IP literal (IPv4 in any form `inet_aton` takes — `2130706433`, `0x7f.1` —
    /// or IPv6, IPv4-mapped included); nil for a name.
    static func addressKind(_ host: String) -> Kind? {
        var v4 = in_addr()
        if host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }), inet_aton(host, &v4) == 1 {
            return ipv4Kind(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        guard host.contains(":"), inet_pton(AF_INET6, host, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return ipv4Kind(bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }), bytes[15] <= 1 { return .local }  // :: and ::1
        if bytes[0] & 0xfe == 0xfc || (bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80) { return .privateNetwork }
        return .real
    }

    static func ipv4Kind(_ address: UInt32) -> Kind {
        let first = address >> 24
        let second = (address >> 16) & 0xff
        if first == 127 || first == 0 { return .local }
        if first == 10 || (first == 172 && (16...31).contains(second)) || (first == 192 && second == 168)
            || (first == 169 && second == 254) || (first == 100 && (64...127).contains(second))
        {
            return .privateNetwork
        }
        return .real
    }

    /// Why `text` cannot be a production URL (https, reachable from outside, not a placeholder, not
    /// an unrouted `/_…` path), or nil when it can.
    public static func problem(_ text: String) -> String? {
        guard host(text) != nil else { return "\"\(text)\" is not an http(s) URL" }
        guard text.lowercased().hasPrefix("https://") else { return "\"\(text)\" must be https in production" }
        switch kind(text) {
        case .local: return "\"\(text)\" points at this machine; production needs the shop's public address"
        case .privateNetwork: return "\"\(text)\" is a private network's address; production needs a public one"
        case .placeholder: return "\"\(text)\" is a documentation placeholder, not the shop's address"
        case .unrouted: return "\"\(text)\" is a development-only route (a path under /_), which no gateway serves"
        case .real: return nil
        }
    }
}
