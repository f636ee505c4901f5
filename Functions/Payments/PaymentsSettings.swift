import Foundation
import SokoFunctions

/// The Payments bundle's settings, read from the environment once, when it registers. Secrets can
/// come from files (`<NAME>_FILE`, trimmed) so they stay out of the process environment; they are
/// never logged, and ``description`` leaves them out.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SOKO_PUBLIC_URL` | where gateways reach this platform (the base of the M-Pesa CallBackURL) | `http://127.0.0.1:8080` |
/// | `SOKO_DARAJA_BASE_URL` | Daraja's API | `SOKO_PUBLIC_URL/_sandbox/daraja` |
/// | `SOKO_DARAJA_CONSUMER_KEY`, `…_SECRET` (or `…_FILE`) | OAuth client credentials | `sandbox-key`, `sandbox-secret` |
/// | `SOKO_DARAJA_SHORTCODE` | the Paybill number (5–7 digits) | `174379` |
/// | `SOKO_DARAJA_PASSKEY` (or `…_FILE`) | Lipa na M-Pesa passkey | the public sandbox passkey |
/// | `SOKO_STRIPE_BASE_URL` | Stripe's API (`https://api.stripe.com` for real) | `SOKO_PUBLIC_URL/_sandbox/stripe` |
/// | `SOKO_STRIPE_SECRET_KEY` (or `…_FILE`) | `sk_…` or `rk_…` | `sk_test_sandbox` |
/// | `SOKO_STRIPE_WEBHOOK_SECRETS` (or `…_FILE`) | comma-separated `whsec_…` (several while rotating); else `SOKO_STRIPE_WEBHOOK_SECRET` | `whsec_sandbox` |
public struct PaymentsSettings: Sendable, CustomStringConvertible {
    public var publicURL: String
    public var darajaBaseURL: String
    public var darajaConsumerKey: String
    public var darajaConsumerSecret: String
    public var darajaShortcode: String
    public var darajaPasskey: String
    public var stripeBaseURL: String
    public var stripeSecretKey: String
    public var stripeWebhookSecrets: [String]
    /// The Stripe API version every request pins (and the webhook endpoint should be set to).
    public var stripeVersion = "2024-06-20"
    /// How far a webhook's `t` may be from now, either way.
    public var signatureTolerance = 300
    /// How long an M-Pesa payment waits for its callback before ``ReconcileMpesa`` asks Daraja.
    public var reconcileAfter = 180

    /// The public Lipa na M-Pesa sandbox passkey (Safaricom publishes it; it is no secret).
    public static let sandboxPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"

    /// Reads the variables over the defaults.
    /// - Throws: ``PaymentsSettingsError`` naming the first variable the bundle cannot run with.
    public init(environment: [String: String]) throws(PaymentsSettingsError) {
        func value(_ name: String, secret: Bool = false) throws(PaymentsSettingsError) -> String? {
            if secret, let path = environment[name + "_FILE"], !path.isEmpty {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw PaymentsSettingsError(variable: name + "_FILE", problem: "cannot read \(path)")
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func url(_ name: String, default fallback: String) throws(PaymentsSettingsError) -> String {
            let text = try value(name) ?? fallback
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), !text.contains(where: \.isWhitespace),
                URL(string: text)?.host != nil
            else {
                throw PaymentsSettingsError(variable: name, problem: "\"\(text)\" is not an http(s) URL")
            }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        publicURL = try url("SOKO_PUBLIC_URL", default: "http://127.0.0.1:8080")
        darajaBaseURL = try url("SOKO_DARAJA_BASE_URL", default: publicURL + "/_sandbox/daraja")
        stripeBaseURL = try url("SOKO_STRIPE_BASE_URL", default: publicURL + "/_sandbox/stripe")
        darajaConsumerKey = try value("SOKO_DARAJA_CONSUMER_KEY", secret: true) ?? "sandbox-key"
        darajaConsumerSecret = try value("SOKO_DARAJA_CONSUMER_SECRET", secret: true) ?? "sandbox-secret"
        darajaShortcode = try value("SOKO_DARAJA_SHORTCODE") ?? "174379"
        guard (5...7).contains(darajaShortcode.count), darajaShortcode.allSatisfy(\.isASCIIDigit) else {
            throw PaymentsSettingsError(variable: "SOKO_DARAJA_SHORTCODE", problem: "must be 5 to 7 digits")
        }
        darajaPasskey = try value("SOKO_DARAJA_PASSKEY", secret: true) ?? Self.sandboxPasskey
        stripeSecretKey = try value("SOKO_STRIPE_SECRET_KEY", secret: true) ?? "sk_test_sandbox"
        guard stripeSecretKey.hasPrefix("sk_") || stripeSecretKey.hasPrefix("rk_") else {
            throw PaymentsSettingsError(
                variable: "SOKO_STRIPE_SECRET_KEY", problem: "must be a Stripe secret (sk_…) or restricted (rk_…) key")
        }
        // SOKO_STRIPE_WEBHOOK_SECRET (one secret, the name the sandbox signs with) is read too.
        var configured = try value("SOKO_STRIPE_WEBHOOK_SECRETS", secret: true)
        if configured == nil { configured = try value("SOKO_STRIPE_WEBHOOK_SECRET", secret: true) }
        let secrets = (configured ?? "whsec_sandbox")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !secrets.isEmpty, secrets.allSatisfy({ $0.hasPrefix("whsec_") }) else {
            throw PaymentsSettingsError(
                variable: "SOKO_STRIPE_WEBHOOK_SECRETS", problem: "must be one or more comma-separated whsec_… secrets")
        }
        stripeWebhookSecrets = secrets
    }

    /// The settings without secrets, for a start-up log line.
    public var description: String {
        "payments(public_url: \(publicURL), daraja: \(darajaBaseURL) shortcode \(darajaShortcode), stripe: \(stripeBaseURL) "
            + "version \(stripeVersion), webhook secrets: \(stripeWebhookSecrets.count))"
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
