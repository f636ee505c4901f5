import SokoFunctions

/// The sandbox's settings, read from the environment once, when the bundle registers.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SOKO_DARAJA_CONSUMER_KEY` / `SOKO_DARAJA_CONSUMER_SECRET` | the Basic credentials the token endpoint accepts | `sandbox-key` / `sandbox-secret` |
/// | `SOKO_DARAJA_PASSKEY` | the Lipa na M-Pesa passkey inside `Password` | Safaricom's public sandbox passkey |
/// | `SOKO_DARAJA_INITIATOR_NAME` / `SOKO_DARAJA_SECURITY_CREDENTIAL` | the Reversal API's operator and credential | `testapi` / `sandbox-credential` |
/// | `SOKO_AT_USERNAME` / `SOKO_AT_API_KEY` | what Africa's Talking's messaging endpoint accepts | `sandbox` / `sandbox-api-key` |
/// | `SOKO_SANDBOX_DARAJA_TOKEN_TTL` | seconds a Daraja token lives (`expires_in`) | 3599 |
/// | `SOKO_SANDBOX_CALLBACK_DELAY_MS` | from STK push to its outcome and callback | 1500 |
/// | `SOKO_SANDBOX_CALLBACK_HOSTS` | hosts callbacks may go to, comma-separated, `*` for any | loopback and `SOKO_PUBLIC_URL`'s host |
/// | `SOKO_STRIPE_SECRET_KEY` | the API key the Stripe endpoints accept | `sk_test_sandbox` |
/// | `SOKO_STRIPE_WEBHOOK_SECRET` | signs webhook events (`Stripe-Signature`) | `whsec_sandbox` |
/// | `SOKO_SANDBOX_STRIPE_WEBHOOK_URL` | where Stripe events are posted | `SOKO_PUBLIC_URL` + `/webhooks/stripe` |
/// | `SOKO_SANDBOX_WEBHOOK_DELAY_MS` | from confirm or refund to the event's delivery | 200 |
/// | `SOKO_PUBLIC_URL` | the platform's own base URL | `http://127.0.0.1:8080` |
/// | `SOKO_SANDBOX` | `off` disables every sandbox route (404) | on |
///
/// The sandbox also switches itself off when `SOKO_STRIPE_SECRET_KEY` is a live key: it must never
/// sign events with a production webhook secret or accept a production key.
public struct SandboxSettings: Sendable, Equatable {
    public var enabled = true
    public var darajaConsumerKey = "sandbox-key"
    public var darajaConsumerSecret = "sandbox-secret"
    public var darajaPasskey = SandboxSettings.publicPasskey
    public var darajaTokenTTL = 3599
    /// The operator the Reversal API accepts (`Initiator`, `SecurityCredential`).
    public var darajaInitiatorName = "testapi"
    public var darajaSecurityCredential = "sandbox-credential"
    /// Africa's Talking: the username and `apiKey` the messaging endpoint accepts.
    public var africasTalkingUsername = "sandbox"
    public var africasTalkingAPIKey = "sandbox-api-key"
    public var callbackDelay: Duration = .milliseconds(1500)
    /// Hosts (lower-case) an STK CallBackURL may name; nil accepts any.
    public var callbackHosts: Set<String>? = ["127.0.0.1", "localhost", "[::1]"]
    public var stripeSecretKey = "sk_test_sandbox"
    /// The key a browser (Stripe.js, or the storefront's card page) confirms a PaymentIntent with,
    /// beside the intent's client secret.
    public var stripePublishableKey = "pk_test_sandbox"
    public var stripeWebhookSecret = "whsec_sandbox"
    public var stripeWebhookURL = "http://127.0.0.1:8080/webhooks/stripe"
    public var webhookDelay: Duration = .milliseconds(200)
    /// The API version events carry when the request named none (`Stripe-Version`).
    public var stripeAPIVersion = "2024-06-20"

    /// Safaricom's published Lipa na M-Pesa sandbox passkey (a public value, not a secret).
    public static let publicPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"

    public init() {}

    /// Reads the variables over the defaults.
    /// - Throws: ``SandboxSettingsError`` naming the first malformed variable.
    public init(environment: [String: String]) throws(SandboxSettingsError) {
        func milliseconds(_ name: String) throws(SandboxSettingsError) -> Duration? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), (0...600_000).contains(value) else {
                throw SandboxSettingsError(variable: name, value: text, expected: "milliseconds from 0 to 600000")
            }
            return .milliseconds(value)
        }
        if let value = environment["SOKO_SANDBOX"]?.lowercased() {
            guard ["on", "off", "true", "false", "1", "0"].contains(value) else {
                throw SandboxSettingsError(variable: "SOKO_SANDBOX", value: value, expected: "on or off")
            }
            enabled = ["on", "true", "1"].contains(value)
        }
        if let value = environment["SOKO_DARAJA_CONSUMER_KEY"] { darajaConsumerKey = value }
        if let value = environment["SOKO_DARAJA_CONSUMER_SECRET"] { darajaConsumerSecret = value }
        if let value = environment["SOKO_DARAJA_PASSKEY"] { darajaPasskey = value }
        if let value = environment["SOKO_DARAJA_INITIATOR_NAME"] { darajaInitiatorName = value }
        if let value = environment["SOKO_DARAJA_SECURITY_CREDENTIAL"] { darajaSecurityCredential = value }
        if let value = environment["SOKO_AT_USERNAME"] { africasTalkingUsername = value }
        if let value = environment["SOKO_AT_API_KEY"] { africasTalkingAPIKey = value }
        if let text = environment["SOKO_SANDBOX_DARAJA_TOKEN_TTL"] {
            guard let value = Int(text), (1...86_400).contains(value) else {
                throw SandboxSettingsError(
                    variable: "SOKO_SANDBOX_DARAJA_TOKEN_TTL", value: text, expected: "seconds from 1 to 86400")
            }
            darajaTokenTTL = value
        }
        if let value = try milliseconds("SOKO_SANDBOX_CALLBACK_DELAY_MS") { callbackDelay = value }
        if let value = try milliseconds("SOKO_SANDBOX_WEBHOOK_DELAY_MS") { webhookDelay = value }
        if let value = environment["SOKO_STRIPE_SECRET_KEY"] { stripeSecretKey = value }
        if let value = environment["SOKO_STRIPE_WEBHOOK_SECRET"] { stripeWebhookSecret = value }
        if let value = environment["SOKO_STRIPE_PUBLISHABLE_KEY"], !value.isEmpty { stripePublishableKey = value }
        let publicURL = environment["SOKO_PUBLIC_URL"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        stripeWebhookURL =
            environment["SOKO_SANDBOX_STRIPE_WEBHOOK_URL"] ?? (publicURL ?? "http://127.0.0.1:8080") + "/webhooks/stripe"
        if let host = publicURL.flatMap(CallbackURL.host(of:)) { callbackHosts?.insert(host) }
        if let text = environment["SOKO_SANDBOX_CALLBACK_HOSTS"] {
            let hosts = text.split(separator: ",").map { $0.trimmingSpaces.lowercased() }.filter { !$0.isEmpty }
            callbackHosts = hosts.contains("*") ? nil : Set(hosts)
        }
        if stripeSecretKey.hasPrefix("sk_live_") || stripeSecretKey.hasPrefix("rk_live_") { enabled = false }
    }
}

/// A sandbox setting the bundle cannot run with.
public struct SandboxSettingsError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "\(variable)=\"\(value)\" is not valid: expected \(expected)" }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
