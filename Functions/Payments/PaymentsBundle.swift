import SokoFunctions

/// The Payments bundle: M-Pesa (Daraja STK push, callbacks, STK Query reconciliation) and Stripe
/// (PaymentIntents, signed webhooks, refunds). Settings come from the environment once, here;
/// gateways are reached only through the host's outgoing HTTP client, never inside a transaction.
public enum PaymentsBundle: FunctionBundle {
    public static let service = "payments"

    public static let migrations = PaymentsSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: PaymentsSettings
        do {
            settings = try PaymentsSettings(environment: registry.environment, mode: registry.mode)
        } catch {
            registry.refuse("\(error)")
            return
        }
        for setting in settings.report { registry.report(setting.name, setting.value) }
        let gateways = Gateways(settings: settings)
        registry.typed("payOrder") { (input: PayOrder.Input, context) in
            try await PayOrder.run(input, context: context, gateways: gateways)
        }
        registry.raw("mpesaCallback") { request, context in try await MpesaCallback.run(request, context: context) }
        registry.event("confirmMpesa") { (event: Event<MpesaCallbackReceived>, context) in
            try await ConfirmMpesa.run(event, context: context, gateways: gateways)
        }
        registry.raw("reconcileMpesa") { _, context in
            try await ReconcileMpesa.run(context: context, gateways: gateways)
            return .noContent
        }
        registry.raw("stripeWebhook") { request, context in
            try await StripeWebhook.run(request, context: context, gateways: gateways)
        }
        registry.typed("refundPayment") { (input: RefundPayment.Input, context) in
            try await RefundPayment.run(input, context: context, gateways: gateways)
        }
        registry.typed("getPayment") { (_: NoInput, context) in try await GetPayment.run(context: context) }
        registry.event("refundCancelledOrder") { (event: Event<RefundCancelledOrder.OrderCancelled>, context) in
            try await RefundCancelledOrder.run(event, context: context, gateways: gateways)
        }
        registry.event("refundUnneededPayment") { (event: Event<RefundUnneededPayment.PaymentUnneeded>, context) in
            try await RefundUnneededPayment.run(event, context: context, gateways: gateways)
        }
    }
}
