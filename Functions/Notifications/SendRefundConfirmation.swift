import Contracts
import SokoFunctions

/// `sendRefundConfirmation` — on `payment.refunded`: how much went back, and where (M-Pesa or
/// the card), for full and partial refunds alike.
struct SendRefundConfirmation: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<PaymentRefunded>, context: FunctionContext) async throws -> DeliveryOutcome {
        let refund = event.payload
        return try await NotificationDelivery.deliver(event, kind: .refund, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(refund.customerID, context: context)
            return (customer.mailbox, MailTemplates.refund(refund, name: customer.name, shop: settings.shop))
        }
    }
}
