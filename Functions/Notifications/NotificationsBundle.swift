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
        let sms: SmsSettings
        do {
            sms = try SmsSettings(environment: registry.environment, mode: registry.mode)
        } catch {
            registry.refuse("\(error)")
            return
        }
        registry.report("SOKO_SMS", sms.enabled ? "on" : "off")
        if sms.enabled {
            registry.report("SOKO_AT_BASE_URL", sms.baseURL)
            registry.report("SOKO_AT_USERNAME", sms.username)
            registry.report("SOKO_AT_API_KEY", ReportedSetting.masked(sms.apiKey))
            registry.report("SOKO_SMS_SENDER_ID", sms.senderID ?? "(the provider's default)")
        }
        let texts = sms.enabled ? AfricasTalkingClient(settings: sms) : nil
        registry.add(SendWelcome(settings: settings))
        registry.add(SendOrderConfirmation(settings: settings))
        registry.add(SendPaymentReceipt(settings: settings))
        registry.add(SendShippingUpdate(settings: settings))
        registry.add(SendCancellation(settings: settings))
        registry.add(SendPasswordReset(settings: settings))
        registry.add(SendEmailVerification(settings: settings))
        registry.add(SendRefundConfirmation(settings: settings))
        registry.add(TextOrderPlaced(settings: settings, client: texts))
        registry.add(TextOrderPaid(settings: settings, client: texts))
        registry.add(TextOrderShipped(settings: settings, client: texts))
        registry.add(TextRefund(settings: settings, client: texts))
        registry.add(ListNotifications.self)
        registry.add(ListTextMessages.self)
    }
}
