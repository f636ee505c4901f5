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
        registry.add(PayOrder(gateways: gateways))
        registry.add(GuestPayOrder(pay: PayOrder(gateways: gateways)))
        registry.add(MpesaCallback.self)
        registry.add(ConfirmMpesa(gateways: gateways))
        registry.add(ReconcileMpesa(gateways: gateways))
        registry.add(StripeWebhook(gateways: gateways))
        registry.add(RefundPayment(gateways: gateways))
        registry.add(GetPayment.self)
        registry.add(RefundCancelledOrder(gateways: gateways))
        registry.add(RefundUnneededPayment(gateways: gateways))
        registry.add(MpesaReversalResult.self)
        registry.add(MpesaReversalTimeout.self)
        registry.add(MpesaReversalStatus.self)
        registry.add(ReconcileReversals(gateways: gateways))
        registry.add(ListRefunds.self)
        registry.add(RetryRefund(gateways: gateways))
        registry.add(AdoptClaimedPayments.self)
    }
}
