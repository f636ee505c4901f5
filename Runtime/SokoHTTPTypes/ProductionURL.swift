#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a URL in a shop's settings points at, for the production checks: this machine, a
/// documentation placeholder, the built-in sandbox, or somewhere real.
public enum ProductionURL {
    public enum Kind: Sendable, Equatable {
        /// Loopback (`localhost`, `127.0.0.0/8`, `::1`) or the unspecified address: nothing outside reaches it.
        case local
        /// A name reserved for documentation (RFC 2606: `example.com`, `example.net`, `example.org`,
        /// `.example`, `.test`, `.invalid`, `.localhost`) — copied from a README, never a shop.
        case placeholder
        /// The built-in payment sandbox (a path under `/_sandbox/`).
        case sandbox
        /// Anything else.
        case real
    }

    /// The host of an http(s) URL, lower-cased, without brackets; nil when the text is not one.
    public static func host(_ text: String) -> String? {
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), let host = URL(string: text)?.host, !host.isEmpty
        else { return nil }
        return String(host.lowercased().filter { $0 != "[" && $0 != "]" })
    }

    public static func kind(_ text: String) -> Kind {
        guard let host = host(text) else { return .placeholder }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1"
            || host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:1"
        {
            return .local
        }
        let reserved = ["example.com", "example.net", "example.org"]
        if reserved.contains(where: { host == $0 || host.hasSuffix("." + $0) })
            || [".example", ".test", ".invalid"].contains(where: host.hasSuffix)
        {
            return .placeholder
        }
        if let path = URL(string: text)?.path, path == "/_sandbox" || path.hasPrefix("/_sandbox/") { return .sandbox }
        return .real
    }

    /// Why `text` cannot be a production URL (https, reachable from outside, not a placeholder, not
    /// the sandbox), or nil when it can.
    public static func problem(_ text: String) -> String? {
        guard host(text) != nil else { return "\"\(text)\" is not an http(s) URL" }
        guard text.hasPrefix("https://") else { return "\"\(text)\" must be https in production" }
        switch kind(text) {
        case .local: return "\"\(text)\" points at this machine; production needs the shop's public address"
        case .placeholder: return "\"\(text)\" is a documentation placeholder, not the shop's address"
        case .sandbox: return "\"\(text)\" is the built-in payment sandbox"
        case .real: return nil
        }
    }
}
