import Contracts
import SokoFunctions

/// `sendCancellation` — on `order.cancelled`: why, and whether a refund follows.
struct SendCancellation: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> DeliveryOutcome {
        let order = event.payload
        return try await NotificationDelivery.deliver(event, kind: .cancellation, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            return (customer.mailbox, MailTemplates.cancellation(order, name: customer.name, shop: settings.shop))
        }
    }
}
