import Contracts
import SokoFunctions

/// `textOrderShipped` — on `order.shipped`: an SMS with the carrier and tracking number.
struct TextOrderShipped: DependentEventFunction {
    let settings: NotificationSettings
    let client: AfricasTalkingClient?

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> SmsLog.Status {
        let order = event.payload
        return try await SmsDelivery.deliver(
            event, kind: .orderShipped, customerID: order.customerID, context: context, client: client
        ) { SmsTemplates.orderShipped(order, name: $0, shop: settings.shop) }
    }
}
