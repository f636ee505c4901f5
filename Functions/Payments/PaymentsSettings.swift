import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Payments bundle's settings, read from the environment once, when it registers. Secrets can
/// come from files (`<NAME>_FILE`, trimmed) so they stay out of the process environment; they are
/// never logged, and ``description`` leaves them out.
///
/// | variable | meaning | development default |
/// |---|---|---|
/// | `SOKO_PAYMENT_METHODS` | the methods offered, comma-separated | `mpesa,stripe` |
/// | `SOKO_PUBLIC_URL` | where gateways reach this platform (the base of the M-Pesa CallBackURL) | `http://127.0.0.1:8080` |
/// | `SOKO_DARAJA_BASE_URL` | Daraja's API | `SOKO_PUBLIC_URL/_sandbox/daraja` |
/// | `SOKO_DARAJA_CONSUMER_KEY`, `…_SECRET` (or `…_FILE`) | OAuth client credentials | `sandbox-key`, `sandbox-secret` |
/// | `SOKO_DARAJA_SHORTCODE` | the Paybill number (5–7 digits) | `174379` |
/// | `SOKO_DARAJA_PASSKEY` (or `…_FILE`) | Lipa na M-Pesa passkey | the public sandbox passkey |
/// | `SOKO_DARAJA_INITIATOR_NAME` | the API operator with the "Org Reversals Initiator" and "Transaction Status query ORG API" roles (refunds) | `testapi` |
/// | `SOKO_DARAJA_SECURITY_CREDENTIAL` (or `…_FILE`) | that operator's password, RSA-encrypted with Safaricom's certificate, base64 | `sandbox-credential` |
/// | `SOKO_STRIPE_BASE_URL` | Stripe's API (`https://api.stripe.com` for real) | `SOKO_PUBLIC_URL/_sandbox/stripe` |
/// | `SOKO_STRIPE_SECRET_KEY` (or `…_FILE`) | `sk_…` or `rk_…` | `sk_test_sandbox` |
/// | `SOKO_STRIPE_WEBHOOK_SECRETS` (or `…_FILE`) | comma-separated `whsec_…` (several while rotating); else `SOKO_STRIPE_WEBHOOK_SECRET` | `whsec_sandbox` |
///
/// The defaults are the built-in sandbox's and exist in development only: in production every
/// variable of every offered method must be set, and to a live value (``GatewayRules``). In any
/// mode a half-configured gateway is refused — a real gateway with a sandbox secret, or live
/// credentials aimed at the sandbox.
public struct PaymentsSettings: Sendable, CustomStringConvertible {
    public var methods: Set<PaymentMethod>
    public var publicURL: String
    public var darajaBaseURL: String
    public var darajaConsumerKey: String
    public var darajaConsumerSecret: String
    public var darajaShortcode: String
    public var darajaPasskey: String
    /// The Reversal API's `Initiator` and `SecurityCredential` (M-Pesa refunds).
    public var darajaInitiatorName: String
    public var darajaSecurityCredential: String
    public var stripeBaseURL: String
    public var stripeSecretKey: String
    public var stripeWebhookSecrets: [String]
    /// Whether the base URLs were set, or fell back to the built-in sandbox (credentials without
    /// a URL are a half-configured gateway).
    public var darajaBaseURLIsSet = false
    public var stripeBaseURLIsSet = false
    /// The Stripe API version every request pins (and the webhook endpoint should be set to).
    public var stripeVersion = "2024-06-20"
    /// How far a webhook's `t` may be from now, either way.
    public var signatureTolerance = 300
    /// How long an M-Pesa payment waits for its callback before ``ReconcileMpesa`` asks Daraja.
    public var reconcileAfter = 180

    /// The sandbox's values: public, so never accepted where money moves.
    public static let sandboxPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
    public static let sandboxShortcode = "174379"
    static let sandboxConsumerKey = "sandbox-key"
    static let sandboxConsumerSecret = "sandbox-secret"
    public static let sandboxInitiatorName = "testapi"
    public static let sandboxSecurityCredential = "sandbox-credential"
    static let sandboxStripeKey = "sk_test_sandbox"
    static let sandboxWebhookSecret = "whsec_sandbox"

    /// Reads the variables over the defaults (development) or requires them (production).
    /// - Throws: ``PaymentsSettingsError`` naming the first variable the bundle cannot run with.
    public init(environment: [String: String], mode: RunMode = .development) throws(PaymentsSettingsError) {
        let reader = SettingReader(environment: environment, mode: mode)
        methods = try reader.methods()
        let mpesa = methods.contains(.mpesa)
        let stripe = methods.contains(.stripe)
        darajaBaseURLIsSet = try reader.value("SOKO_DARAJA_BASE_URL") != nil
        stripeBaseURLIsSet = try reader.value("SOKO_STRIPE_BASE_URL") != nil
        publicURL = try reader.url("SOKO_PUBLIC_URL", default: "http://127.0.0.1:8080", required: mpesa)
        darajaBaseURL = try reader.url("SOKO_DARAJA_BASE_URL", default: publicURL + "/_sandbox/daraja", required: mpesa)
        stripeBaseURL = try reader.url("SOKO_STRIPE_BASE_URL", default: publicURL + "/_sandbox/stripe", required: stripe)
        darajaConsumerKey = try reader.value(
            "SOKO_DARAJA_CONSUMER_KEY", secret: true, default: Self.sandboxConsumerKey, required: mpesa)
        darajaConsumerSecret = try reader.value(
            "SOKO_DARAJA_CONSUMER_SECRET", secret: true, default: Self.sandboxConsumerSecret, required: mpesa)
        darajaShortcode = try reader.value("SOKO_DARAJA_SHORTCODE", default: Self.sandboxShortcode, required: mpesa)
        guard (5...7).contains(darajaShortcode.count), darajaShortcode.allSatisfy(\.isASCIIDigit) else {
            throw PaymentsSettingsError(variable: "SOKO_DARAJA_SHORTCODE", problem: "must be 5 to 7 digits")
        }
        darajaPasskey = try reader.value("SOKO_DARAJA_PASSKEY", secret: true, default: Self.sandboxPasskey, required: mpesa)
        darajaInitiatorName = try reader.value(
            "SOKO_DARAJA_INITIATOR_NAME", default: Self.sandboxInitiatorName, required: mpesa)
        darajaSecurityCredential = try reader.value(
            "SOKO_DARAJA_SECURITY_CREDENTIAL", secret: true, default: Self.sandboxSecurityCredential, required: mpesa)
        if mode == .production, mpesa {
            // Refunds would be refused by Daraja (or worse, sent to the sandbox's operator).
            if darajaInitiatorName == Self.sandboxInitiatorName {
                throw PaymentsSettingsError(
                    variable: "SOKO_DARAJA_INITIATOR_NAME", problem: "is the sandbox's operator; production names the shop's own")
            }
            if darajaSecurityCredential == Self.sandboxSecurityCredential {
                throw PaymentsSettingsError(
                    variable: "SOKO_DARAJA_SECURITY_CREDENTIAL", problem: "is the sandbox's; production uses the shop's own")
            }
        }
        stripeSecretKey = try reader.value(
            "SOKO_STRIPE_SECRET_KEY", secret: true, default: Self.sandboxStripeKey, required: stripe)
        guard stripeSecretKey.hasPrefix("sk_") || stripeSecretKey.hasPrefix("rk_") else {
            throw PaymentsSettingsError(
                variable: "SOKO_STRIPE_SECRET_KEY", problem: "must be a Stripe secret (sk_…) or restricted (rk_…) key")
        }
        // SOKO_STRIPE_WEBHOOK_SECRET (one secret, the name the sandbox signs with) is read too.
        var webhookVariable = "SOKO_STRIPE_WEBHOOK_SECRETS"
        var configured = try reader.value(webhookVariable, secret: true)
        if configured == nil, let single = try reader.value("SOKO_STRIPE_WEBHOOK_SECRET", secret: true) {
            (configured, webhookVariable) = (single, "SOKO_STRIPE_WEBHOOK_SECRET")
        }
        if configured == nil, mode == .production, stripe {
            throw PaymentsSettingsError(
                variable: "SOKO_STRIPE_WEBHOOK_SECRETS",
                problem: "is required in production (the endpoint's whsec_… signing secret)")
        }
        let secrets = (configured ?? Self.sandboxWebhookSecret)
            .split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !secrets.isEmpty, secrets.allSatisfy({ $0.hasPrefix("whsec_") }) else {
            throw PaymentsSettingsError(
                variable: webhookVariable, problem: "must be one or more comma-separated whsec_… secrets")
        }
        stripeWebhookSecrets = secrets
        try GatewayRules(settings: self, mode: mode, webhookVariable: webhookVariable).check()
    }

    /// The settings without secrets, for a start-up log line.
    public var description: String {
        "payments(methods: \(methods.map(\.rawValue).sorted().joined(separator: ",")), public_url: \(publicURL), "
            + "daraja: \(darajaBaseURL) shortcode \(darajaShortcode), stripe: \(stripeBaseURL) "
            + "version \(stripeVersion), webhook secrets: \(stripeWebhookSecrets.count))"
    }

    /// What `soko check-config` prints: every setting, secrets masked.
    public var report: [ReportedSetting] {
        var out = [
            ReportedSetting(name: "SOKO_PAYMENT_METHODS", value: methods.map(\.rawValue).sorted().joined(separator: ",")),
            ReportedSetting(name: "SOKO_PUBLIC_URL", value: publicURL),
        ]
        if methods.contains(.mpesa) {
            out += [
                ReportedSetting(name: "SOKO_DARAJA_BASE_URL", value: darajaBaseURL),
                ReportedSetting(name: "SOKO_DARAJA_CONSUMER_KEY", value: ReportedSetting.masked(darajaConsumerKey)),
                ReportedSetting(name: "SOKO_DARAJA_CONSUMER_SECRET", value: ReportedSetting.masked(darajaConsumerSecret)),
                ReportedSetting(name: "SOKO_DARAJA_SHORTCODE", value: darajaShortcode),
                ReportedSetting(name: "SOKO_DARAJA_PASSKEY", value: ReportedSetting.masked(darajaPasskey)),
                ReportedSetting(name: "SOKO_DARAJA_INITIATOR_NAME", value: darajaInitiatorName),
                ReportedSetting(
                    name: "SOKO_DARAJA_SECURITY_CREDENTIAL", value: ReportedSetting.masked(darajaSecurityCredential)),
            ]
        }
        if methods.contains(.stripe) {
            out += [
                ReportedSetting(name: "SOKO_STRIPE_BASE_URL", value: stripeBaseURL),
                ReportedSetting(name: "SOKO_STRIPE_SECRET_KEY", value: ReportedSetting.masked(stripeSecretKey)),
                ReportedSetting(
                    name: "SOKO_STRIPE_WEBHOOK_SECRETS",
                    value: stripeWebhookSecrets.map(ReportedSetting.masked).joined(separator: ", ")),
            ]
        }
        return out
    }
}

/// Reads one bundle's variables: a value set directly, else its `<NAME>_FILE`; in production a
/// required variable left unset is an error instead of a default.
private struct SettingReader {
    let environment: [String: String]
    let mode: RunMode

    func value(_ name: String, secret: Bool = false) throws(PaymentsSettingsError) -> String? {
        // A value set directly wins over its file, as the host's own secret files do.
        if let text = environment[name]?.trimmingWhitespace(), !text.isEmpty { return text }
        if secret, let path = environment[name + "_FILE"], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PaymentsSettingsError(variable: name + "_FILE", problem: "cannot read \(path)")
            }
            return text.trimmingWhitespace()
        }
        guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }

    func value(_ name: String, secret: Bool = false, default fallback: String, required: Bool)
        throws(PaymentsSettingsError) -> String
    {
        if let text = try value(name, secret: secret) { return text }
        if mode == .production, required {
            throw PaymentsSettingsError(variable: name, problem: "is required in production (no sandbox default is used)")
        }
        return fallback
    }

    func url(_ name: String, default fallback: String, required: Bool) throws(PaymentsSettingsError) -> String {
        let text = try value(name, default: fallback, required: required)
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), !text.contains(where: \.isWhitespace),
            URL(string: text)?.host != nil
        else {
            throw PaymentsSettingsError(variable: name, problem: "\"\(text)\" is not an http(s) URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func methods() throws(PaymentsSettingsError) -> Set<PaymentMethod> {
        guard let text = try value("SOKO_PAYMENT_METHODS") else { return [.mpesa, .stripe] }
        var methods: Set<PaymentMethod> = []
        for name in text.split(separator: ",").map({ $0.trimmingWhitespace() }) where !name.isEmpty {
            guard let method = PaymentMethod(rawValue: name) else {
                throw PaymentsSettingsError(
                    variable: "SOKO_PAYMENT_METHODS", problem: "\"\(name)\" is not a payment method (mpesa, stripe)")
            }
            methods.insert(method)
        }
        guard !methods.isEmpty else {
            throw PaymentsSettingsError(variable: "SOKO_PAYMENT_METHODS", problem: "names no method (mpesa, stripe)")
        }
        return methods
    }
}

/// A Payments setting the bundle cannot run with (the host refuses to start, naming it).
public struct PaymentsSettingsError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var problem: String

    public var description: String { "\(variable): \(problem)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
