import SokoFunctions
import SokoOutbound
import SokoSecurity
import SokoStore

/// What `soko check-config` (and `soko serve --check`) prints: everything the process would run
/// with, read and validated exactly as serving would, with secrets masked. Nothing is opened,
/// bound or called.
public enum ConfigurationReport {
    public static func lines(for host: FunctionHost) -> [String] {
        let configuration = host.configuration
        let settings = host.settings
        var rows: [(String, String)] = [
            (RunMode.variable, configuration.mode.rawValue),
            ("listen", "\(configuration.server.host):\(configuration.server.port) (\(configuration.loops) loops)"),
            ("manifests", configuration.manifestsDirectory),
            ("units", host.units.map { "\($0.name) (\($0.functions.joined(separator: ", ")))" }.joined(separator: "; ")),
            ("store", store(configuration.store)),
            ("mail", mail(settings.mail)),
            (
                "SOKO_TOKEN_ISSUER",
                settings.tokenIssuerIsDefault
                    ? "\(settings.tokenIssuer) (development default)" : maskingPassword(settings.tokenIssuer)
            ),
            ("SOKO_TOKEN_AUDIENCE", settings.tokenAudience),
            ("SOKO_PUBLIC_URL", settings.publicURL.map(maskingPassword) ?? "(unset)"),
            ("SOKO_TRUSTED_PROXIES", "\(configuration.trustedProxies)"),
            ("SOKO_JWKS_URL", settings.jwksURL.map(maskingPassword) ?? "(the identity provider in this process)"),
            ("SOKO_TOKEN_URL", settings.services.tokenURL.map(maskingPassword) ?? "(from the service URLs or Consul)"),
            (
                "service URLs",
                settings.services.urls.isEmpty
                    ? "(none)"
                    : settings.services.urls.sorted { $0.key < $1.key }.map { "\($0.key)=\(maskingPassword($0.value))" }
                        .joined(separator: ", ")
            ),
            ("CONSUL_HTTP_ADDR", settings.consul.map { maskingPassword($0.agent) } ?? "(none)"),
            ("CONSUL_HTTP_TOKEN", settings.consul?.token.map(ReportedSetting.masked) ?? "(none)"),
            ("SOKO_ADVERTISE_ADDRESS", settings.advertiseAddress ?? "(the bound address)"),
            ("SOKO_LOKI_URL", settings.lokiURL.map(maskingPassword) ?? "(none)"),
            ("SOKO_SERVICE_CLIENT_ID", settings.services.clientID ?? "(none)"),
            ("SOKO_SERVICE_CLIENT_SECRET", settings.services.clientSecret.map(ReportedSetting.masked) ?? "(none)"),
            (
                "event relay",
                "backoff \(settings.relay.backoff) up to \(settings.relay.maximumBackoff), poll \(settings.relay.poll), lease \(settings.relay.lease)"
            ),
            ("SOKO_RATE_LIMITS", settings.rateLimits ? "on" : "off"),
        ]
        rows += host.settingsReport.map { ("\($0.service): \($0.setting.name)", $0.setting.value) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }
    }

    /// The store, with a PostgreSQL URL's password masked.
    static func store(_ store: StoreConfiguration) -> String {
        switch store.backend {
        case .sqlite(let directory): return "SQLite files under \(directory)/"
        case .postgres(let url, _): return "PostgreSQL \(maskingPassword(url)) (pool \(store.poolSize))"
        }
    }

    static func mail(_ mail: MailSettings) -> String {
        guard let smtp = mail.smtp else { return ".eml files under \(mail.directory)/" }
        let user = smtp.username.map { " as \($0)" } ?? ""
        let password = smtp.password.map { ", password \(ReportedSetting.masked($0))" } ?? ""
        return "SMTP \(maskingPassword(smtp.url))\(user)\(password)"
    }

    /// A URL as a report may show it: the password of `scheme://user:secret@host/…` (split at the
    /// last `@`, so a password may hold one) and secret-looking query parameters (`password=`,
    /// `secret=`, `token=`, `key=`) become `****`.
    static func maskingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let query = url[scheme.upperBound...].firstIndex(of: "?") ?? url.endIndex
        var head = String(url[..<query])
        if let at = head[scheme.upperBound...].lastIndex(of: "@") {
            let credentials = head[scheme.upperBound..<at]
            let user = credentials.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            head = String(head[..<scheme.upperBound]) + (credentials.contains(":") ? user + ":****" : "****") + head[at...]
        }
        guard query < url.endIndex else { return head }
        let parameters = url[url.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map {
            parameter -> String in
            let name = parameter.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            let secret = ["password", "pass", "secret", "token", "key", "sslpassword"].contains { name.contains($0) }
            return secret ? "\(name)=****" : String(parameter)
        }
        return head + "?" + parameters.joined(separator: "&")
    }
}
