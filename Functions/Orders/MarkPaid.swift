import Contracts
import SokoFunctions

/// The `markPaid` consumer of `payment.succeeded`: the order becomes `paid` (emitting `order.paid`
/// with the payment's method and receipt or card digits), then its reserved stock is committed.
///
/// The transition and the processed-event record share one transaction (``FunctionContext/once(_:_:)``);
/// `catalog.commitStock` runs after it, outside any transaction, on every delivery while the order
/// is paid (it is idempotent), so a commit that failed is retried by the relay's redelivery.
enum MarkPaid: EventFunction {
    static func run(_ event: Event<PaymentSucceeded>, context: FunctionContext) async throws {
        let paid = event.payload
        let payment = OrderEvent.Payment(
            paymentID: paid.paymentID, method: paid.method, amount: paid.amount, currency: paid.currency,
            receipt: paid.receipt, cardLast4: paid.cardLast4)
        let logger = context.logger
        try await context.once(event) { transaction in
            guard let order = try OrderRepository.find(id: paid.orderID, in: transaction) else {
                logger.error("payment for an unknown order", metadata: ["order_id": "\(paid.orderID)"])
                return
            }
            guard order.status == .pendingPayment else {
                // Paid twice (another payment got there first), or paid after it was cancelled: the
                // order stays as it is and the money goes back — `payment.unneeded` asks Payments to
                // refund this payment, and its refund will not move the order.
                try transaction.execute(
                    """
                    INSERT INTO unneeded_payments (payment_id, order_id, order_status, recorded_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (payment_id) DO NOTHING
                    """, [.text(paid.paymentID), .text(order.id), .text(order.status.rawValue), .text(context.now.timestamp)])
                try transaction.emit(
                    PaymentEvents.unneeded,
                    PaymentUnneeded(paymentID: paid.paymentID, orderID: order.id, orderStatus: order.status.rawValue))
                logger.warning(
                    "payment succeeded for an order that is not awaiting payment; it is refunded",
                    metadata: [
                        "order_id": "\(order.id)", "status": "\(order.status.rawValue)", "payment_id": "\(paid.paymentID)",
                    ])
                return
            }
            try OrderTransitions.apply(
                orderID: order.id, to: .paid, actor: "system:payments", payment: payment, at: context.now, in: transaction)
        }
        guard let order = try await OrderRepository.find(id: paid.orderID, in: context.store),
            [.paid, .shipped, .delivered].contains(order.status)
        else { return }
        do {
            _ = try await context.invoke(CatalogContract.commitStock, OrderReference(orderID: order.id))
        } catch let error as InvocationError where error.status == 409 || error.status == 404 {
            // The reservation was released (it expired) or never existed: repeating cannot help.
            logger.error(
                "paid order's stock could not be committed", metadata: ["order_id": "\(order.id)", "error": "\(error)"])
        }
    }
}
