import Contracts
import SokoFunctions

/// Moves payments between states: each a conditional `UPDATE … WHERE status …` (so a duplicate
/// callback, a redelivered event or a late webhook changes nothing), with its event emitted in the
/// same transaction.
enum PaymentTransitions {
    /// `pending` (or one of `from`) → `succeeded`, emitting `payment.succeeded`. Returns whether it
    /// changed (false: already decided). `failedWith` also takes a `failed` payment whose result
    /// code is that one (an expired M-Pesa push that was charged after all).
    @discardableResult
    static func succeed(
        paymentID: String, from: [PaymentStatus] = [.pending], failedWith: String? = nil, receipt: String? = nil,
        cardLast4: String? = nil, at now: WallTime, in transaction: Transaction
    ) throws -> Bool {
        let allowed = from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let changed = try transaction.execute(
            """
            UPDATE payments SET status = 'succeeded', receipt = COALESCE($2, receipt),
                card_last4 = COALESCE($3, card_last4), result_code = '0', updated_at = $4
            WHERE id = $1 AND (status IN (\(allowed)) OR (status = 'failed' AND result_code = $5))
            """, [.text(paymentID), SQLValue(receipt), SQLValue(cardLast4), .text(now.timestamp), SQLValue(failedWith)])
        guard changed == 1, let payment = try PaymentRepository.find(id: paymentID, in: transaction) else { return false }
        try transaction.emit(PaymentEvents.succeeded, PaymentSucceeded(payment))
        return true
    }

    /// `pending` → `failed`, emitting `payment.failed`. Returns whether it changed.
    @discardableResult
    static func fail(
        paymentID: String, resultCode: String?, resultDesc: String?, at now: WallTime, in transaction: Transaction
    ) throws -> Bool {
        let changed = try transaction.execute(
            """
            UPDATE payments SET status = 'failed', result_code = $2, result_desc = $3, updated_at = $4
            WHERE id = $1 AND status = 'pending'
            """, [.text(paymentID), SQLValue(resultCode), SQLValue(resultDesc), .text(now.timestamp)])
        guard changed == 1, let payment = try PaymentRepository.find(id: paymentID, in: transaction) else { return false }
        try transaction.emit(
            "payment.failed",
            PaymentFailed(
                paymentID: payment.id, orderID: payment.orderID, customerID: payment.customerID, method: payment.method,
                resultCode: resultCode, reason: resultDesc))
        return true
    }

    /// ``fail(paymentID:resultCode:resultDesc:at:in:)`` in a transaction of its own, dated by `context.now`.
    @discardableResult
    static func fail(
        paymentID: String, resultCode: String?, resultDesc: String?, context: FunctionContext
    ) async throws -> Bool {
        let now = context.now
        return try await context.store.transaction { transaction in
            try fail(paymentID: paymentID, resultCode: resultCode, resultDesc: resultDesc, at: now, in: transaction)
        }
    }

    /// Raises the refunded total to `total` (minor units) when it is more than recorded — from our
    /// own refund call or from Stripe's `charge.refunded`, whichever comes first — setting
    /// `refunded` when nothing is left, else `partially_refunded`, and emitting `payment.refunded`
    /// with the increase. Returns the event's payload when it grew, else nil.
    @discardableResult
    static func recordRefund(
        paymentID: String, total: Int, at now: WallTime, in transaction: Transaction
    ) throws -> PaymentRefunded? {
        guard let payment = try PaymentRepository.find(id: paymentID, in: transaction),
            [.succeeded, .partiallyRefunded, .refunded].contains(payment.status), total > payment.refundedAmount
        else { return nil }
        let newTotal = min(total, payment.amount)
        let full = newTotal >= payment.amount
        let status: PaymentStatus = full ? .refunded : .partiallyRefunded
        let changed = try transaction.execute(
            """
            UPDATE payments SET refunded_amount = $2, status = $3, refund_due = 0, updated_at = $4
            WHERE id = $1 AND refunded_amount = $5
            """,
            [
                .text(paymentID), SQLValue(newTotal), .text(status.rawValue), .text(now.timestamp),
                SQLValue(payment.refundedAmount),
            ])
        guard changed == 1 else { return nil }
        let event = PaymentRefunded(
            paymentID: payment.id, orderID: payment.orderID, customerID: payment.customerID, method: payment.method.rawValue,
            amount: newTotal - payment.refundedAmount, refundedAmount: newTotal, currency: payment.currency, full: full)
        try transaction.emit(PaymentEvents.refunded, event)
        return event
    }
}
