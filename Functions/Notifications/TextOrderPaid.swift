import Contracts
import SokoFunctions

/// `textOrderPaid` — on `order.paid`: an SMS receipt (the M-Pesa reference when paid by M-Pesa).
struct TextOrderPaid: DependentEventFunction {
    let settings: NotificationSettings
    let client: AfricasTalkingClient?

    @discardableResult
    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws -> SmsLog.Status {
        let order = event.payload
        return try await SmsDelivery.deliver(
            event, kind: .paymentReceipt, customerID: order.customerID, context: context, client: client
        ) { SmsTemplates.orderPaid(order, name: $0, shop: settings.shop) }
    }
}
