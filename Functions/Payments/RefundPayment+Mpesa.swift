import SokoFunctions

/// The M-Pesa side of `POST /admin/payments/{id}/refund`: Daraja's Reversal API gives back the
/// whole transaction (it has no partial reversal), so `amount`, when sent, must be all that is
/// left (else 422 naming it). The answer is 202 with the refund `pending`: Safaricom's result comes
/// later (``MpesaReversalResult``; ``ReconcileReversals`` asks when it does not).
///
/// Idempotent per payment: the reversal row is unique per payment (``MpesaRefunds/start(_:context:gateways:)``),
/// so concurrent or repeated calls while one is under way send one request to Daraja and answer
/// the same refund; a `failed` one is sent again (a conditional update, so once however many ask).
/// Daraja refusing at once is 502 `mpesa-refused`; Daraja not reached is 503 `gateway-unavailable`
/// (the refund is `failed`: calling again, or the refunds list's retry, sends it again).
extension RefundPayment {
    static func reverse(_ payment: Payment, amount: Int?, context: FunctionContext, gateways: Gateways) async throws
        -> Reply<Refunded>
    {
        try checkRefundable(payment)
        let left = payment.amount - payment.refundedAmount
        if let amount, amount != left {
            throw FunctionError.validation(
                [
                    FieldError(
                        field: "amount",
                        message: "M-Pesa refunds reverse the whole payment: leave amount out, or send \(left) (all that is left)")
                ])
        }
        guard let reversal = try await MpesaRefunds.refund(payment, context: context, gateways: gateways) else {
            throw FunctionError(
                status: 409, code: "payment-not-refundable", detail: "the M-Pesa payment has no receipt to reverse",
                errors: [FieldError(field: "receipt", message: "is missing")])
        }
        if reversal.status == .failed {
            // Only this call's own attempt can have failed by now (an earlier failure was sent again).
            if reversal.resultCode == nil { throw PaymentsProblem.gatewayUnavailable("M-Pesa") }
            throw PaymentsProblem.gatewayRefused("mpesa", reversal.resultDesc ?? "the reversal was refused")
        }
        guard let updated = try await PaymentRepository.find(id: payment.id, in: context.store) else {
            throw PaymentsProblem.paymentNotFound
        }
        let status = reversal.status == .succeeded ? "succeeded" : "pending"
        return Reply(
            status: 202,
            body: Refunded(payment: updated, refund: .init(id: reversal.id, amount: reversal.amount, status: status)))
    }
}
