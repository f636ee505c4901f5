import Contracts
import SokoFunctions

/// The `refundCancelledOrder` consumer of `order.cancelled`: when a **paid** order is cancelled
/// (`previous_status: "paid"`), its succeeded payments are refunded in full — Stripe through the
/// Refunds API (the same idempotency key on every redelivery, so never twice), M-Pesa marked
/// `refund_due` and reversed through Daraja's Reversal API (``MpesaRefunds``: one reversal per
/// payment, whatever the redeliveries). `payment.refunded {full: true}` then lets Orders move the
/// order on to `refunded`. Other cancellations are ignored.
struct RefundCancelledOrder: DependentEventFunction {
    let gateways: Gateways

    func run(_ event: Event<OrderEvent>, context: FunctionContext) async throws {
        guard event.payload.previousStatus == "paid" else { return }
        let payments = try await PaymentRepository.all(
            "order_id = $1 AND status IN ('succeeded', 'partially_refunded')", [.text(event.payload.orderID)],
            in: context.store)
        for payment in payments { try await Self.refundInFull(payment, context: context, gateways: gateways) }
    }

    /// Stripe: a full refund through the Refunds API (idempotent per payment and amount); M-Pesa:
    /// marked `refund_due` and reversed through Daraja (the result, or Transaction Status, settles it later).
    static func refundInFull(_ payment: Payment, context: FunctionContext, gateways: Gateways) async throws {
        switch payment.method {
        case .stripe:
            _ = try await RefundPayment.refund(payment, amount: nil, context: context, gateways: gateways)
        case .mpesa:
            try await MpesaRefunds.start(payment, context: context, gateways: gateways)
        }
    }
}

/// The `refundUnneededPayment` consumer of `payment.unneeded` (from Orders): a payment succeeded for
/// an order that no longer awaited one — paid by another payment, or cancelled — so it is refunded
/// in full (Stripe, or M-Pesa through Daraja's Reversal API).
struct RefundUnneededPayment: DependentEventFunction {
    let gateways: Gateways

    func run(_ event: Event<PaymentUnneeded>, context: FunctionContext) async throws {
        guard let payment = try await PaymentRepository.find(id: event.payload.paymentID, in: context.store),
            [.succeeded, .partiallyRefunded].contains(payment.status)
        else { return }
        try await RefundCancelledOrder.refundInFull(payment, context: context, gateways: gateways)
    }
}
