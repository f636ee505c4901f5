import Contracts
import SokoFunctions

/// `sendOrderConfirmation` — on `order.placed`: the order's lines and totals.
struct SendOrderConfirmation: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> DeliveryOutcome {
        let order = event.payload
        return try await NotificationDelivery.deliver(event, kind: .orderConfirmation, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            return (customer.mailbox, MailTemplates.orderConfirmation(order, name: customer.name, shop: settings.shop))
        }
    }
}
