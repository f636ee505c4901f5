import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The SMS provider's settings (Africa's Talking's messaging API), read once at registration.
///
/// | variable | meaning | development default |
/// |---|---|---|
/// | `SOKO_SMS` | `off`: no SMS at all (none of the below is needed) | on |
/// | `SOKO_AT_BASE_URL` | the API's base (`https://api.africastalking.com`; its test environment `https://api.sandbox.africastalking.com`) | `SOKO_PUBLIC_URL/_sandbox/africastalking` |
/// | `SOKO_AT_USERNAME` | the Africa's Talking application's username | `sandbox` |
/// | `SOKO_AT_API_KEY` (or `…_FILE`) | its API key (header `apiKey`) | `sandbox-api-key` |
/// | `SOKO_SMS_SENDER_ID` | the registered sender id or short code (`from`) | none (the provider's default) |
///
/// Production falls back to nothing: with SMS on, each must be set, the URL https and not the
/// built-in sandbox, this machine or Africa's Talking's test environment, and the username and key
/// not the sandbox's.
struct SmsSettings: Sendable {
    var enabled = true
    var baseURL: String
    var username: String
    var apiKey: String
    var senderID: String?

    static let sandboxUsername = "sandbox"
    static let sandboxAPIKey = "sandbox-api-key"

    init(environment: [String: String], mode: RunMode = .development) throws {
        func value(_ name: String, secret: Bool = false) throws -> String? {
            if let text = environment[name]?.trimmingWhitespace(), !text.isEmpty { return text }
            if secret, let path = environment[name + "_FILE"], !path.isEmpty {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw NotificationSettings.Invalid(description: "\(name)_FILE: cannot read \(path)")
                }
                return text.trimmingWhitespace()
            }
            return nil
        }
        func required(_ name: String, _ problem: String) -> NotificationSettings.Invalid {
            NotificationSettings.Invalid(description: "\(name): \(problem)")
        }
        if let flag = environment["SOKO_SMS"]?.lowercased() {
            guard ["on", "off"].contains(flag) else { throw required("SOKO_SMS", "must be on or off") }
            enabled = flag == "on"
        }
        let publicURL = (environment["SOKO_PUBLIC_URL"] ?? "http://127.0.0.1:8080").trimmingWhitespace()
        let configuredURL = try value("SOKO_AT_BASE_URL")
        var base =
            configuredURL ?? (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + "/_sandbox/africastalking"
        if base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        username = try value("SOKO_AT_USERNAME") ?? Self.sandboxUsername
        apiKey = try value("SOKO_AT_API_KEY", secret: true) ?? Self.sandboxAPIKey
        senderID = try value("SOKO_SMS_SENDER_ID")
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), URL(string: base)?.host != nil else {
            throw required("SOKO_AT_BASE_URL", "\"\(base)\" is not an http(s) URL")
        }
        guard enabled, mode == .production else { return }
        guard let configuredURL else {
            throw required("SOKO_AT_BASE_URL", "is required in production (https://api.africastalking.com)")
        }
        let host = (URL(string: configuredURL)?.host ?? "").lowercased()
        if !configuredURL.hasPrefix("https://") { throw required("SOKO_AT_BASE_URL", "must be https in production") }
        if host.contains("sandbox") || ProductionURL.kind(configuredURL) != .real || configuredURL.contains("/_sandbox/") {
            throw required(
                "SOKO_AT_BASE_URL", "\"\(configuredURL)\" is a sandbox or local address, not Africa's Talking's live API")
        }
        guard environment["SOKO_AT_USERNAME"] != nil, username != Self.sandboxUsername else {
            throw required("SOKO_AT_USERNAME", "is required in production (the application's username, not sandbox)")
        }
        guard apiKey != Self.sandboxAPIKey, try value("SOKO_AT_API_KEY", secret: true) != nil else {
            throw required("SOKO_AT_API_KEY", "is required in production (no sandbox default is used)")
        }
        guard senderID != nil else {
            throw required("SOKO_SMS_SENDER_ID", "is required in production (the shop's registered sender id or short code)")
        }
    }
}
