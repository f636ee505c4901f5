import Contracts
import SokoFunctions

/// The `markRefunded` consumer of `payment.refunded`: a full refund moves the order to `refunded`
/// — from `cancelled`, or from `paid` through `cancelled` (reason `refund`, stock returned).
/// Partial refunds leave the order as it is. Idempotent: the moves and the processed-event record
/// share one transaction, and an order already `refunded` is left alone.
enum MarkRefunded: EventFunction {
    static func run(_ event: Event<PaymentRefunded>, context: FunctionContext) async throws {
        let refunded = event.payload
        guard refunded.full else { return }
        let logger = context.logger
        let processedNow = try await context.once(event) { transaction in
            // The refund of a payment the order did not need leaves the order alone.
            let unneeded = try transaction.query(
                "SELECT payment_id FROM unneeded_payments WHERE payment_id = $1", [.text(refunded.paymentID)])
            guard unneeded.isEmpty else { return }
            guard let order = try OrderRepository.find(id: refunded.orderID, in: transaction) else { return }
            switch order.status {
            case .paid:
                try OrderTransitions.apply(
                    orderID: order.id, to: .cancelled, actor: "system:payments", reason: .refund, at: context.now,
                    in: transaction)
                try OrderTransitions.apply(
                    orderID: order.id, to: .refunded, actor: "system:payments", at: context.now, in: transaction)
            case .cancelled where order.paidAt != nil:
                try OrderTransitions.apply(
                    orderID: order.id, to: .refunded, actor: "system:payments", at: context.now, in: transaction)
            case .refunded:
                break
            default:
                logger.warning(
                    "full refund for an order that cannot become refunded",
                    metadata: ["order_id": "\(order.id)", "status": "\(order.status.rawValue)"])
            }
        }
        if processedNow {
            // A paid order cancelled here has committed stock: put it back (no-op otherwise).
            if let order = try await OrderRepository.find(id: refunded.orderID, in: context.store), order.status == .refunded {
                let due = try await context.store.query(
                    "SELECT release_due FROM orders WHERE id = $1", [.text(order.id)]
                ).first?.int("release_due")
                if due == 1 { await Stock.release(orderID: order.id, context: context) }
            }
        }
    }
}
