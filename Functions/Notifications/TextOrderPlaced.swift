import Contracts
import SokoFunctions

/// `textOrderPlaced` — on `order.placed`: an SMS that the order is in, to the customer's phone.
struct TextOrderPlaced: DependentEventFunction {
    let settings: NotificationSettings
    let client: AfricasTalkingClient?

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> SmsLog.Status {
        let order = event.payload
        return try await SmsDelivery.deliver(
            event, kind: .orderConfirmation, customerID: order.customerID, context: context, client: client
        ) { SmsTemplates.orderPlaced(order, name: $0, shop: settings.shop) }
    }
}
