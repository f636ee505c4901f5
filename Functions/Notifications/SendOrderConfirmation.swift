import SokoFunctions

/// `sendOrderConfirmation` — on `order.placed`: the order's lines and totals.
enum SendOrderConfirmation {
    @discardableResult
    static func run(_ event: Event<OrderEvent>, context: FunctionContext, settings: NotificationSettings) async throws
        -> DeliveryOutcome
    {
        let order = event.payload
        return try await NotificationDelivery.deliver(event, kind: .orderConfirmation, context: context, settings: settings) {
            let customer = try await CustomerContact.lookup(order.customerID, context: context)
            return (customer.mailbox, MailTemplates.orderConfirmation(order, name: customer.name, shop: settings.shop))
        }
    }
}
