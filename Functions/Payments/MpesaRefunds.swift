import Contracts
import SokoFunctions

/// Gives M-Pesa payments back through Daraja's Reversal API.
///
/// ``start(_:context:gateways:)`` writes the reversal row (`pending`, with a fresh callback token
/// whose SHA-256 only is kept) before any gateway call, then ``submit(_:token:context:gateways:)``
/// sends the request — outside any transaction — and records what Daraja answered. The result
/// arrives later at `SOKO_PUBLIC_URL/webhooks/mpesa/reversal/<token>/result` (or `/timeout`), where
/// ``MpesaReversalResult`` settles it: a success records the refund on the payment and emits
/// `payment.refunded {full: true}`, on which Orders moves the order to `refunded` and the
/// customer gets the refund email.
enum MpesaRefunds {
    /// Starts the refund of `payment` in full (what was charged), once: a payment that already has
    /// a reversal keeps it (a redelivered event changes nothing). Returns the reversal.
    @discardableResult
    static func start(_ payment: Payment, context: FunctionContext, gateways: Gateways) async throws -> MpesaReversal? {
        guard payment.method == .mpesa, [.succeeded, .partiallyRefunded].contains(payment.status),
            payment.amount > payment.refundedAmount
        else { return nil }
        guard let receipt = payment.receipt, !receipt.isEmpty else {
            context.logger.error("M-Pesa payment without a receipt cannot be reversed", metadata: ["payment_id": "\(payment.id)"])
            return nil
        }
        let token = CallbackToken.generate()
        let now = context.now.timestamp
        let id = MpesaReversal.newID()
        let created = try await context.store.transaction { tx -> Bool in
            try tx.execute(
                "UPDATE payments SET refund_due = 1, updated_at = $2 WHERE id = $1 AND refund_due = 0",
                [.text(payment.id), .text(now)])
            // The unique payment_id decides (two deliveries at once: one reversal), not a check.
            return try tx.execute(
                """
                INSERT INTO mpesa_reversals (id, payment_id, order_id, amount, currency, receipt, status, attempts,
                    callback_token_hash, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $8)
                ON CONFLICT (payment_id) DO NOTHING
                """,
                [
                    .text(id), .text(payment.id), .text(payment.orderID), SQLValue(payment.amount - payment.refundedAmount),
                    .text(payment.currency), .text(receipt), .text(token.hash), .text(now),
                ]) == 1
        }
        guard created else { return try await MpesaReversal.find("payment_id = $1", [.text(payment.id)], in: context.store) }
        return try await submit(id, token: token, context: context, gateways: gateways)
    }

    /// An admin's refund of `payment`: its reversal — started now, or the one under way (however
    /// many ask at once, one request reaches Daraja), or a `failed` one sent again (claimed by a
    /// conditional update, so once). Nil when the payment cannot be reversed (no receipt).
    static func refund(_ payment: Payment, context: FunctionContext, gateways: Gateways) async throws -> MpesaReversal? {
        guard let existing = try await MpesaReversal.find("payment_id = $1", [.text(payment.id)], in: context.store) else {
            return try await start(payment, context: context, gateways: gateways)
        }
        guard existing.status == .failed else { return existing }
        guard let token = try await reopen(existing.id, staleBefore: nil, context: context) else {
            return try await MpesaReversal.find("id = $1", [.text(existing.id)], in: context.store)
        }
        return try await submit(existing.id, token: token, context: context, gateways: gateways)
    }

    /// `failed` (or, with `staleBefore`, `requested` and unchanged since then) → `pending` with a new
    /// callback token. Nil when the row is in neither state (another caller took it first).
    static func reopen(_ id: String, staleBefore: String?, context: FunctionContext) async throws -> CallbackToken? {
        let token = CallbackToken.generate()
        let changed = try await context.store.execute(
            """
            UPDATE mpesa_reversals SET status = 'pending', callback_token_hash = $2, conversation_id = NULL,
                originator_conversation_id = NULL, result_code = NULL, result_desc = NULL, updated_at = $3
            WHERE id = $1 AND (status = 'failed' OR (status = 'requested' AND updated_at < $4))
            """, [.text(id), .text(token.hash), .text(context.now.timestamp), SQLValue(staleBefore)])
        return changed == 1 ? token : nil
    }

    /// How long a `requested` reversal waits for its result before an admin may send it again
    /// (the result was lost; Daraja answers a repeat with R000001, which settles it).
    static let resultGrace = 3600

    /// A `failed` reversal — or a `requested` one whose result has not come for ``resultGrace``
    /// seconds — again, with a new token (an admin's retry). 409 `refund-not-retryable` otherwise.
    static func retry(_ reversal: MpesaReversal, context: FunctionContext, gateways: Gateways) async throws -> MpesaReversal? {
        let stale = WallTime(unixSeconds: context.now.unixSeconds - resultGrace).timestamp
        guard let token = try await reopen(reversal.id, staleBefore: stale, context: context) else {
            throw FunctionError(
                status: 409, code: "refund-not-retryable",
                detail: "the refund is \(reversal.status.rawValue); only a failed refund, or one whose result has not "
                    + "come for an hour, is retried",
                errors: [FieldError(field: "status", message: "is \(reversal.status.rawValue)")])
        }
        return try await submit(reversal.id, token: token, context: context, gateways: gateways)
    }

    /// Sends the reversal request of the `pending` row `id` and records Daraja's answer.
    static func submit(_ id: String, token: CallbackToken, context: FunctionContext, gateways: Gateways) async throws
        -> MpesaReversal?
    {
        guard let reversal = try await MpesaReversal.find("id = $1", [.text(id)], in: context.store),
            reversal.status == .pending
        else { return nil }
        let base = gateways.settings.publicURL + "/webhooks/mpesa/reversal/" + token.text
        let outcome: DarajaClient.Answer<DarajaClient.Queued>
        do {
            outcome = try await gateways.daraja.reverse(
                receipt: reversal.receipt, amount: reversal.amount / 100, resultURL: base + "/result",
                timeoutURL: base + "/timeout", remarks: "Refund of order \(reversal.orderID.prefix(8))", context: context)
        } catch {
            try await settle(id, .failed, code: nil, description: "Daraja could not be reached: \(error)", context: context)
            context.logger.error("M-Pesa reversal not sent", metadata: ["reversal_id": "\(id)", "error": "\(error)"])
            return try await MpesaReversal.find("id = $1", [.text(id)], in: context.store)
        }
        switch outcome {
        case .accepted(let accepted):
            try await context.store.execute(
                """
                UPDATE mpesa_reversals SET status = 'requested', attempts = attempts + 1, conversation_id = $2,
                    originator_conversation_id = $3, updated_at = $4
                WHERE id = $1 AND status = 'pending'
                """,
                [
                    .text(id), .text(accepted.conversationID), .text(accepted.originatorConversationID),
                    .text(context.now.timestamp),
                ])
            context.logger.info(
                "M-Pesa reversal requested", metadata: ["reversal_id": "\(id)", "conversation_id": "\(accepted.conversationID)"])
        case .refused(let status, let code, let detail):
            try await settle(id, .failed, code: code ?? "HTTP \(status)", description: detail, context: context)
            context.logger.error(
                "Daraja refused the M-Pesa reversal", metadata: ["reversal_id": "\(id)", "code": "\(code ?? "")"])
        case .unknown(_, let detail):
            // Something between us and Daraja answered: the reversal may be queued. It is left
            // `requested` with no ConversationID; ``ReconcileReversals`` asks Transaction Status.
            try await context.store.execute(
                """
                UPDATE mpesa_reversals SET status = 'requested', attempts = attempts + 1, result_desc = $2, updated_at = $3
                WHERE id = $1 AND status = 'pending'
                """, [.text(id), .text(String(detail.prefix(500))), .text(context.now.timestamp)])
            context.logger.warning(
                "M-Pesa reversal answer unreadable; reconciliation will ask", metadata: ["reversal_id": "\(id)"])
        }
        return try await MpesaReversal.find("id = $1", [.text(id)], in: context.store)
    }

    /// `pending` or `requested` → `failed` (attempts + 1 when it never reached Daraja).
    static func settle(
        _ id: String, _ status: MpesaReversal.Status, code: String?, description: String, context: FunctionContext
    ) async throws {
        try await context.store.execute(
            """
            UPDATE mpesa_reversals SET status = $2, result_code = $3, result_desc = $4, updated_at = $5,
                attempts = attempts + CASE WHEN status = 'pending' THEN 1 ELSE 0 END
            WHERE id = $1 AND status IN ('pending', 'requested')
            """,
            [
                .text(id), .text(status.rawValue), SQLValue(code), .text(String(description.prefix(500))),
                .text(context.now.timestamp),
            ])
    }

    /// `pending` or `requested` → `succeeded`, and the refund recorded on the payment
    /// (`payment.refunded {full: true}`) in the same transaction. False when it was settled before
    /// (a duplicate result, or a status answer after the result): nothing changes then.
    static func succeed(
        _ id: String, code: String, description: String, transactionID: String?, conversationID: String?,
        context: FunctionContext
    ) async throws -> Bool {
        let now = context.now
        return try await context.store.transaction { tx -> Bool in
            let changed = try tx.execute(
                """
                UPDATE mpesa_reversals SET status = 'succeeded', result_code = $2, result_desc = $3,
                    reversal_transaction_id = $4, conversation_id = COALESCE(conversation_id, $5), updated_at = $6
                WHERE id = $1 AND status IN ('pending', 'requested')
                """,
                [
                    .text(id), .text(code), .text(String(description.prefix(500))), SQLValue(transactionID),
                    SQLValue(conversationID), .text(now.timestamp),
                ])
            guard changed == 1, let reversal = try MpesaReversal.find("id = $1", [.text(id)], in: tx),
                let payment = try PaymentRepository.find(id: reversal.paymentID, in: tx)
            else { return false }
            _ = try PaymentTransitions.recordRefund(
                paymentID: payment.id, total: payment.refundedAmount + reversal.amount, at: now, in: tx)
            return true
        }
    }
}
