import SokoFunctions
import SokoManifest
import SokoOutbound
import SokoSecurity

/// The host's settings beyond sockets and threads, read from the environment once, when the host
/// is assembled (``FunctionHost/init(manifests:bundles:configuration:)``), and validated there: a
/// malformed value stops the host with a ``ConfigurationError`` naming the variable. Nothing else
/// in the host reads the environment; bundles get theirs through their registry.
public struct HostSettings: Sendable {
    /// The access tokens' `iss` and `aud` (`SOKO_TOKEN_ISSUER`, `SOKO_TOKEN_AUDIENCE`).
    public var tokenIssuer: String
    public var tokenAudience: String
    /// Whether the issuer is the development default (`SOKO_TOKEN_ISSUER` unset).
    public var tokenIssuerIsDefault: Bool
    /// The shop's public base URL (`SOKO_PUBLIC_URL`), shown by `check-config`.
    public var publicURL: String?
    /// Where the signing keys are fetched when the identity provider runs elsewhere (`SOKO_JWKS_URL`).
    public var jwksURL: String?
    /// Other units' base URLs and this process's client credentials (`SOKO_SERVICE_URL_<UNIT>`,
    /// `SOKO_SERVICE_CLIENT_ID`, `SOKO_SERVICE_CLIENT_SECRET`, `SOKO_TOKEN_URL`).
    public var services: ServiceDirectory
    /// The Consul agent (`CONSUL_HTTP_ADDR`, `CONSUL_HTTP_TOKEN`); nil without one.
    public var consul: ConsulSettings?
    /// The address registered with Consul (`SOKO_ADVERTISE_ADDRESS`).
    public var advertiseAddress: String?
    /// Direct log push to Loki (`SOKO_LOKI_URL`); nil without one.
    public var lokiURL: String?
    /// How the event relays pace themselves (`SOKO_EVENT_*_MS`).
    var relay: RelaySettings
    /// Where mail goes (`SOKO_SMTP_*`, `SOKO_MAIL_DIR`, `SOKO_DATA`).
    public var mail: MailSettings
    /// The manifests' `rateLimit:` counters are on (`SOKO_RATE_LIMITS=on`, the default) or off.
    public var rateLimits: Bool

    /// Reads and validates every setting from `environment` (secrets given as `_FILE` already resolved).
    public init(environment: [String: String]) throws {
        func text(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func url(_ name: String) throws -> String? {
            guard let value = text(name) else { return nil }
            guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
                throw ConfigurationError(variable: name, value: value, expected: "an http:// or https:// URL")
            }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        tokenIssuer = text("SOKO_TOKEN_ISSUER") ?? TokenDefaults.issuer
        tokenIssuerIsDefault = text("SOKO_TOKEN_ISSUER") == nil
        tokenAudience = text("SOKO_TOKEN_AUDIENCE") ?? TokenDefaults.audience
        publicURL = text("SOKO_PUBLIC_URL")
        jwksURL = try url("SOKO_JWKS_URL")
        var urls: [String: String] = [:]
        for (name, _) in environment where name.hasPrefix(ServiceDirectory.prefix) {
            guard let value = try url(name) else { continue }
            urls[name.dropFirst(ServiceDirectory.prefix.count).lowercased().replacingOccurrences(of: "_", with: "-")] = value
        }
        services = ServiceDirectory(
            urls: urls, clientID: text("SOKO_SERVICE_CLIENT_ID"), clientSecret: text("SOKO_SERVICE_CLIENT_SECRET"),
            tokenURL: try url("SOKO_TOKEN_URL"))
        if var agent = text("CONSUL_HTTP_ADDR") {
            if !agent.hasPrefix("http://") && !agent.hasPrefix("https://") { agent = "http://" + agent }
            consul = ConsulSettings(
                agent: agent.hasSuffix("/") ? String(agent.dropLast()) : agent, token: text("CONSUL_HTTP_TOKEN"))
        }
        advertiseAddress = text("SOKO_ADVERTISE_ADDRESS")
        lokiURL = try url("SOKO_LOKI_URL")
        relay = RelaySettings()
        func milliseconds(_ name: String) throws -> Duration? {
            guard let value = text(name) else { return nil }
            guard let number = Int(value), number > 0 else {
                throw ConfigurationError(variable: name, value: value, expected: "a positive number of milliseconds")
            }
            return .milliseconds(number)
        }
        relay.backoff = try milliseconds("SOKO_EVENT_BACKOFF_MS") ?? relay.backoff
        relay.maximumBackoff = try milliseconds("SOKO_EVENT_MAX_BACKOFF_MS") ?? relay.maximumBackoff
        relay.poll = try milliseconds("SOKO_EVENT_POLL_MS") ?? relay.poll
        relay.lease = try milliseconds("SOKO_EVENT_LEASE_MS") ?? relay.lease
        mail = try Self.mail(environment, text)
        switch environment["SOKO_RATE_LIMITS"] {
        case nil, "on": rateLimits = true
        case "off": rateLimits = false
        case let other?: throw ConfigurationError(variable: "SOKO_RATE_LIMITS", value: other, expected: "on or off")
        }
    }

    /// `SOKO_SMTP_URL`, `SOKO_SMTP_USERNAME`, `SOKO_SMTP_PASSWORD`, `SOKO_SMTP_TLS` (`required`, the
    /// default, or `off`), `SOKO_SMTP_CA_FILE`; else `.eml` files in `SOKO_MAIL_DIR` (default
    /// `$SOKO_DATA/mail`, `data/mail`).
    private static func mail(_ environment: [String: String], _ text: (String) -> String?) throws -> MailSettings {
        let directory = text("SOKO_MAIL_DIR") ?? ((text("SOKO_DATA") ?? "data") + "/mail")
        guard let url = text("SOKO_SMTP_URL") else { return MailSettings(directory: directory) }
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigurationError(variable: "SOKO_SMTP_URL", value: url, expected: "an smtp:// or smtps:// URL")
        }
        let tls = environment["SOKO_SMTP_TLS"] ?? "required"
        guard tls == "required" || tls == "off" else {
            throw ConfigurationError(variable: "SOKO_SMTP_TLS", value: tls, expected: "required or off")
        }
        return MailSettings(
            smtp: MailSettings.SMTP(
                url: url, username: text("SOKO_SMTP_USERNAME"), password: text("SOKO_SMTP_PASSWORD"),
                requireTLS: tls == "required", caFile: text("SOKO_SMTP_CA_FILE")),
            directory: directory)
    }
}
