import Contracts
import SokoFunctions

/// `sendPaymentReceipt` — on `order.paid`: the receipt, with the M-Pesa receipt number or the
/// card's last four digits when the event carries them.
struct SendPaymentReceipt: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> DeliveryOutcome {
        let order = event.payload
        return try await NotificationDelivery.deliver(event, kind: .paymentReceipt, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            return (customer.mailbox, MailTemplates.paymentReceipt(order, name: customer.name, shop: settings.shop))
        }
    }
}
