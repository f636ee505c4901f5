import Contracts
import SokoFunctions

extension OrderEvent {
    /// The event for `order` (already in its new state): its states and reason as text, the
    /// carrier and tracking number once shipped.
    init(order: Order, previousStatus: OrderStatus?, reason: CancelReason?, payment: Payment? = nil) {
        let shipped = order.status == .shipped
        self.init(
            orderID: order.id, customerID: order.customerID, status: order.status.rawValue,
            previousStatus: previousStatus?.rawValue, currency: order.currency ?? "", subtotal: order.totals.subtotal,
            discount: order.totals.discount, couponCode: order.couponCode, shipping: order.totals.shipping, tax: order.totals.tax,
            total: order.totals.total,
            vatIncludedRateBasisPoints: order.totals.vatIncludedRateBasisPoints,
            lines: order.lines,
            reason: reason?.rawValue, carrier: shipped ? order.carrier : nil,
            trackingNumber: shipped ? order.trackingNumber : nil, fromCart: order.isFromCart, payment: payment,
            deliveryZone: order.delivery?.name, deliveryPickup: order.delivery?.pickup,
            paymentMethod: order.paysOnDelivery ? order.paymentMethod.rawValue : nil)
    }
}

extension Transaction {
    /// Records `from → to` in the order's audit trail.
    func recordTransition(orderID: String, from: OrderStatus, to: OrderStatus, actor: String, reason: String?, at: String)
        throws
    {
        try execute(
            "INSERT INTO order_transitions (order_id, from_status, to_status, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)",
            [.text(orderID), .text(from.rawValue), .text(to.rawValue), .text(at), .text(actor), SQLValue(reason)])
    }

    /// Emits `event` for `order` (already in its new state) into the outbox.
    func emitOrderEvent(
        _ event: EventContract<OrderEvent>, order: Order, previousStatus: OrderStatus?, reason: CancelReason? = nil,
        payment: OrderEvent.Payment? = nil
    ) throws {
        try emit(event, OrderEvent(order: order, previousStatus: previousStatus, reason: reason, payment: payment))
    }
}
