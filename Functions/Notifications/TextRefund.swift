import Contracts
import SokoFunctions

/// `textRefund` — on `payment.refunded`: an SMS saying how much went back, and where.
struct TextRefund: DependentEventFunction {
    let settings: NotificationSettings
    let client: AfricasTalkingClient?

    @discardableResult
    func run(_ event: Event<PaymentRefunded>, context: FunctionContext) async throws -> SmsLog.Status {
        let refund = event.payload
        return try await SmsDelivery.deliver(
            event, kind: .refund, customerID: refund.customerID, context: context, client: client
        ) { SmsTemplates.refund(refund, name: $0, shop: settings.shop) }
    }
}
