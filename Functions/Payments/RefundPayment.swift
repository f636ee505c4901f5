import SokoFunctions

/// `POST /admin/payments/{id}/refund` (admin) `{amount?}` → 200 `{payment, refund: {id, amount,
/// status}}`: refunds `amount` minor units (default: all that is left) through Stripe's Refunds API.
///
/// The Idempotency-Key names the payment, what was refunded before and this amount, so retrying a
/// refund replays it and never refunds twice. A full refund makes the payment `refunded` and emits
/// `payment.refunded {full: true}` (Orders then moves the order to `refunded`). M-Pesa payments are
/// reversed in full through Daraja instead: 202 with the refund `pending` (``reverse(_:amount:context:gateways:)``).
/// 409 `payment-not-refundable` unless the payment succeeded; 422 naming `amount` past what is left.
struct RefundPayment: DependentFunction {
    let gateways: Gateways

    struct Input: Decodable, Sendable {
        var amount: Int?
    }

    struct Refunded: Encodable, Sendable {
        struct RefundSummary: Encodable, Sendable {
            var id: String
            var amount: Int
            var status: String
        }
        var payment: Payment
        var refund: RefundSummary
    }

    func run(_ input: Input, context: FunctionContext) async throws -> Reply<Refunded> {
        guard let id = context.pathParameter("id"), PaymentRepository.isPaymentID(id),
            let payment = try await PaymentRepository.find(id: id, in: context.store)
        else { throw PaymentsProblem.paymentNotFound }
        switch payment.method {
        case .stripe:
            return Reply(body: try await Self.refund(payment, amount: input.amount, context: context, gateways: gateways))
        case .mpesa: return try await Self.reverse(payment, amount: input.amount, context: context, gateways: gateways)
        }
    }

    /// 409 `payment-not-refundable` unless `payment` succeeded (and is not all refunded yet).
    static func checkRefundable(_ payment: Payment) throws {
        guard [.succeeded, .partiallyRefunded].contains(payment.status) else {
            throw FunctionError(
                status: 409, code: "payment-not-refundable", detail: "the payment is \(payment.status.rawValue)",
                errors: [FieldError(field: "status", message: "is \(payment.status.rawValue)")])
        }
    }

    /// Refunds `amount` (or the rest) of the Stripe `payment`; shared with ``RefundCancelledOrder``.
    static func refund(_ payment: Payment, amount: Int?, context: FunctionContext, gateways: Gateways) async throws -> Refunded {
        guard payment.method == .stripe else {
            throw FunctionError(
                status: 422, code: "refund-not-supported", detail: "only card payments are refunded through Stripe")
        }
        try checkRefundable(payment)
        let left = payment.amount - payment.refundedAmount
        let amount = amount ?? left
        guard (1...max(left, 1)).contains(amount), left > 0 else {
            throw FunctionError.validation([FieldError(field: "amount", message: "must be from 1 to \(left)")])
        }
        let refund: StripeClient.Refund
        do {
            refund = try await gateways.stripe.refund(payment, amount: amount, context: context)
        } catch let refusal as StripeClient.Refusal where refusal.status < 500 && refusal.status != 429 {
            throw PaymentsProblem.gatewayRefused("stripe", refusal.message)
        } catch is StripeClient.Refusal {
            throw PaymentsProblem.gatewayUnavailable("Stripe")
        } catch is OutgoingError {
            throw PaymentsProblem.gatewayUnavailable("Stripe")
        }
        guard refund.status != "failed" && refund.status != "canceled" else {
            throw PaymentsProblem.gatewayRefused("stripe", "the refund is \(refund.status)")
        }
        let total = payment.refundedAmount + amount
        try await context.store.transaction { transaction in
            _ = try PaymentTransitions.recordRefund(paymentID: payment.id, total: total, at: context.now, in: transaction)
        }
        context.logger.info(
            "payment refunded", metadata: ["payment_id": "\(payment.id)", "amount": "\(amount)", "refund_id": "\(refund.id)"])
        guard let updated = try await PaymentRepository.find(id: payment.id, in: context.store) else {
            throw PaymentsProblem.paymentNotFound
        }
        return Refunded(payment: updated, refund: .init(id: refund.id, amount: amount, status: refund.status))
    }
}
