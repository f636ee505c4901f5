import SokoFunctions

/// The checks that keep a shop from taking orders it is not paid for: in production every offered
/// method talks to a live gateway with live credentials; in any mode a gateway is not
/// half-configured (a real gateway with a sandbox secret, or live credentials aimed at the sandbox).
struct GatewayRules {
    let settings: PaymentsSettings
    let mode: RunMode
    /// The variable the webhook secrets came from (for the message).
    let webhookVariable: String

    func check() throws(PaymentsSettingsError) {
        if settings.methods.contains(.mpesa) { try daraja() }
        if settings.methods.contains(.stripe) { try stripe() }
    }

    /// Safaricom's sandbox API: real requests, play money; production needs the live API.
    static let darajaSandboxHost = "sandbox.safaricom.co.ke"

    private func daraja() throws(PaymentsSettingsError) {
        let s = settings
        let kind = ProductionURL.kind(s.darajaBaseURL)
        let host = ProductionURL.host(s.darajaBaseURL) ?? ""
        let livePaybill =
            s.darajaShortcode != PaymentsSettings.sandboxShortcode && s.darajaPasskey != PaymentsSettings.sandboxPasskey
        if mode == .production {
            if let problem = Self.productionProblem(s.darajaBaseURL) { throw fail("SOKO_DARAJA_BASE_URL", problem) }
            if host == Self.darajaSandboxHost {
                throw fail(
                    "SOKO_DARAJA_BASE_URL", "is Safaricom's sandbox (no money moves); production uses https://api.safaricom.co.ke"
                )
            }
            if let publicProblem = ProductionURL.problem(s.publicURL) {
                throw fail("SOKO_PUBLIC_URL", publicProblem + " (Daraja posts M-Pesa callbacks there)")
            }
        }
        if kind == .real || kind == .privateNetwork {
            if s.darajaConsumerKey == PaymentsSettings.sandboxConsumerKey {
                throw fail("SOKO_DARAJA_CONSUMER_KEY", "is the sandbox's, but SOKO_DARAJA_BASE_URL is a real Daraja")
            }
            if s.darajaConsumerSecret == PaymentsSettings.sandboxConsumerSecret {
                throw fail("SOKO_DARAJA_CONSUMER_SECRET", "is the sandbox's, but SOKO_DARAJA_BASE_URL is a real Daraja")
            }
        }
        if kind == .real, host != Self.darajaSandboxHost || mode == .production {
            // The public test paybill and passkey belong to Safaricom's sandbox only.
            if s.darajaShortcode == PaymentsSettings.sandboxShortcode {
                throw fail("SOKO_DARAJA_SHORTCODE", "is the public sandbox paybill 174379; set the shop's own")
            }
            if s.darajaPasskey == PaymentsSettings.sandboxPasskey {
                throw fail("SOKO_DARAJA_PASSKEY", "is the public sandbox passkey; set the shop's own")
            }
        }
        // Credentials of the shop's own with no Daraja URL (the built-in sandbox by default): they
        // would go to the sandbox — over the network, when SOKO_PUBLIC_URL is the shop's.
        let ownCredentials =
            s.darajaConsumerKey != PaymentsSettings.sandboxConsumerKey
            || s.darajaConsumerSecret != PaymentsSettings.sandboxConsumerSecret
            || s.darajaShortcode != PaymentsSettings.sandboxShortcode || s.darajaPasskey != PaymentsSettings.sandboxPasskey
        if kind == .unrouted, livePaybill || (ownCredentials && !s.darajaBaseURLIsSet) {
            throw fail(
                "SOKO_DARAJA_BASE_URL",
                "is the built-in sandbox, but the shop's own M-Pesa credentials are set: payments would never reach Safaricom")
        }
    }

    private func stripe() throws(PaymentsSettingsError) {
        let s = settings
        let kind = ProductionURL.kind(s.stripeBaseURL)
        let liveKey = s.stripeSecretKey.hasPrefix("sk_live_") || s.stripeSecretKey.hasPrefix("rk_live_")
        let sandboxSecret = s.stripeWebhookSecrets.contains(PaymentsSettings.sandboxWebhookSecret)
        if mode == .production {
            if let problem = Self.productionProblem(s.stripeBaseURL) { throw fail("SOKO_STRIPE_BASE_URL", problem) }
            if !liveKey {
                throw fail(
                    "SOKO_STRIPE_SECRET_KEY", "must be a live key (sk_live_… or rk_live_…) in production: test keys take no money"
                )
            }
        }
        if kind == .real || kind == .privateNetwork {
            if s.stripeSecretKey == PaymentsSettings.sandboxStripeKey {
                throw fail("SOKO_STRIPE_SECRET_KEY", "is the sandbox's, but SOKO_STRIPE_BASE_URL is a real Stripe")
            }
            if sandboxSecret {
                // Anyone can sign a webhook with the public sandbox secret and mark an order paid.
                throw fail(webhookVariable, "includes the public whsec_sandbox, but SOKO_STRIPE_BASE_URL is a real Stripe")
            }
        }
        if kind == .unrouted || kind == .local, liveKey {
            throw fail(
                "SOKO_STRIPE_BASE_URL",
                "is \(kind == .unrouted ? "the built-in sandbox" : "this machine"), but SOKO_STRIPE_SECRET_KEY is a live key")
        }
        if kind == .unrouted, !s.stripeBaseURLIsSet, s.stripeSecretKey != PaymentsSettings.sandboxStripeKey {
            throw fail(
                "SOKO_STRIPE_BASE_URL",
                "is unset (the built-in sandbox), but SOKO_STRIPE_SECRET_KEY is set: set the Stripe URL the key belongs to")
        }
        if mode == .production {
            // Stripe's keys and signing secrets are long; a bare prefix is a paste that lost its value.
            if s.stripeSecretKey.count < 24 { throw fail("SOKO_STRIPE_SECRET_KEY", "is too short to be a Stripe key") }
            if s.stripeWebhookSecrets.contains(where: { $0.count < 24 }) {
                throw fail(webhookVariable, "holds a secret too short to be a Stripe signing secret")
            }
        }
    }

    /// Why a gateway's URL cannot serve production: ``ProductionURL/problem(_:)``, which names an
    /// unrouted `/_…` path, here the built-in sandbox's.
    static func productionProblem(_ url: String) -> String? {
        guard let problem = ProductionURL.problem(url) else { return nil }
        return ProductionURL.kind(url) == .unrouted ? "\"\(url)\" is the built-in payment sandbox" : problem
    }

    private func fail(_ variable: String, _ problem: String) -> PaymentsSettingsError {
        PaymentsSettingsError(variable: variable, problem: problem)
    }
}
