import SokoFunctions

/// The payment gateways' sandbox: Safaricom Daraja (OAuth token, STK push, STK query, the
/// callback posted after the push, reversals and transaction status queries with their asynchronous results) and Stripe (PaymentIntents, Charges, Refunds, and signed webhook
/// events), speaking their documented HTTP APIs under `/_sandbox/daraja/…` and
/// `/_sandbox/stripe/v1/…` so the platform runs end to end with no credentials. The real Payments
/// client talks to it; only base URLs and credentials change for the real gateways.
public enum SandboxBundle: FunctionBundle {
    public static let service = "sandbox"

    public static let migrations = SandboxSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        // Its manifest keeps it to development; a manifest edited to serve it in production still
        // cannot: a process that serves the sandbox refuses to start.
        if registry.mode == .production {
            registry.refuse("the payment sandbox never runs with SOKO_ENV=production")
        }
        let settings: SandboxSettings
        do {
            settings = try SandboxSettings(environment: registry.environment)
        } catch {
            registry.refuse("\(error)")
            return
        }
        guard settings.enabled else {
            // Off (SOKO_SANDBOX=off, or a live Stripe key configured): the routes exist, answer 404.
            for name in daraja + stripe.map(\.0) + ["africasTalkingSendMessage"] {
                registry.raw(name) { _, _ in throw FunctionError.notFound("the payment sandbox is off") }
            }
            return
        }
        registry.raw("darajaToken") { request, context in
            await DarajaToken.run(request, context: context, settings: settings)
        }
        registry.raw("darajaStkPush") { request, context in
            await StkPush.run(request, context: context, settings: settings).response
        }
        registry.raw("darajaStkQuery") { request, context in
            await StkQuery.run(request, context: context, settings: settings)
        }
        registry.raw("darajaReversal") { request, context in
            await Reversal.run(request, context: context, settings: settings).response
        }
        registry.raw("darajaTransactionStatus") { request, context in
            await TransactionStatus.run(request, context: context, settings: settings).response
        }
        registry.raw("africasTalkingSendMessage") { request, context in
            try await AfricasTalkingMessaging.run(request, context: context, settings: settings)
        }
        for (name, work) in stripe {
            registry.raw(name) { request, context in
                await StripeEndpoint.answer(
                    request, context: context, settings: settings, publishable: name == "stripeConfirmPaymentIntent", work)
            }
        }
    }

    static let daraja = ["darajaToken", "darajaStkPush", "darajaStkQuery", "darajaReversal", "darajaTransactionStatus"]

    static let stripe: [(String, @Sendable (StripeEndpoint) async throws -> (Int, [UInt8]))] = [
        ("stripeCreatePaymentIntent", CreatePaymentIntent.run),
        ("stripeRetrievePaymentIntent", RetrievePaymentIntent.run),
        ("stripeConfirmPaymentIntent", ConfirmPaymentIntent.run),
        ("stripeRetrieveCharge", RetrieveCharge.run),
        ("stripeCreateRefund", CreateRefund.run),
        ("stripeRetrieveRefund", RetrieveRefund.run),
    ]
}
