import SokoFunctions

/// The Notifications bundle: the shop's emails (welcome, order confirmation, payment receipt,
/// shipping updates, cancellation), sent on events through the host's mail transport, and the
/// delivery log admins read.
public enum NotificationsBundle: FunctionBundle {
    public static let service = "notifications"

    public static let migrations = NotificationsSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: NotificationSettings
        do {
            settings = try NotificationSettings(environment: registry.environment, mode: registry.mode)
        } catch {
            // A sender the transport would refuse stops the host at start, naming the variable.
            registry.refuse("\(error)")
            return
        }
        registry.report("SOKO_MAIL_FROM", settings.from.description)
        registry.event("sendWelcome") { (event: Event<UserRegistered>, context) in
            try await SendWelcome.run(event, context: context, settings: settings)
        }
        registry.event("sendOrderConfirmation") { (event: Event<OrderEvent>, context) in
            try await SendOrderConfirmation.run(event, context: context, settings: settings)
        }
        registry.event("sendPaymentReceipt") { (event: Event<OrderEvent>, context) in
            try await SendPaymentReceipt.run(event, context: context, settings: settings)
        }
        registry.event("sendShippingUpdate") { (event: Event<OrderEvent>, context) in
            try await SendShippingUpdate.run(event, context: context, settings: settings)
        }
        registry.event("sendCancellation") { (event: Event<OrderEvent>, context) in
            try await SendCancellation.run(event, context: context, settings: settings)
        }
        registry.typed("listNotifications") { (_: NoInput, context) in try await ListNotifications.run(context: context) }
    }
}
