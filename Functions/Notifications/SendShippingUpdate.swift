import Contracts
import SokoFunctions

/// `sendShippingUpdate` — on `order.shipped` (carrier and tracking number) and `order.delivered`.
struct SendShippingUpdate: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> DeliveryOutcome {
        let order = event.payload
        let delivered = event.name == "order.delivered" || order.status == "delivered"
        let kind: NotificationKind = delivered ? .orderDelivered : .orderShipped
        return try await NotificationDelivery.deliver(event, kind: kind, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            let content = MailTemplates.shippingUpdate(order, delivered: delivered, name: customer.name, shop: settings.shop)
            return (customer.mailbox, content)
        }
    }
}
