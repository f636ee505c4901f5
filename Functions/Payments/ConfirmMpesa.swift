import SokoFunctions

/// The `confirmMpesa` consumer of `mpesa.callback_received`: asks STK Query whether the push was
/// really paid before the payment becomes `succeeded` (and `payment.succeeded` goes out).
///
/// "Still processing" or no answer throws, so the relay retries with backoff; after the last try
/// the payment stays pending and ``ReconcileMpesa`` asks again. Redeliveries are harmless: the
/// transition is conditional on `pending`.
struct ConfirmMpesa: DependentEventFunction {
    let gateways: Gateways

    func run(_ event: Event<MpesaCallbackReceived>, context: FunctionContext) async throws {
        guard let payment = try await PaymentRepository.find(id: event.payload.paymentID, in: context.store),
            payment.awaitsMpesaOutcome
        else { return }
        let outcome = try await MpesaSettlement.settle(payment, context: context, gateways: gateways)
        if case .unknown(let reason) = outcome {
            throw OutgoingError(.transport, "STK Query gave no final answer yet: \(reason)")
        }
    }
}

/// Settles a pending M-Pesa payment (or an expired unanswered push that got a callback) by STK Query (``ConfirmMpesa`` and ``ReconcileMpesa``).
enum MpesaSettlement {
    /// Queries Daraja for `payment` and applies a final answer: `"0"` → succeeded (with the
    /// callback's receipt, if one came), another code → failed. Returns what Daraja said.
    @discardableResult
    static func settle(_ payment: Payment, context: FunctionContext, gateways: Gateways) async throws
        -> DarajaClient.QueryOutcome
    {
        guard let checkout = payment.checkoutRequestID else { return .unknown("no CheckoutRequestID") }
        let outcome: DarajaClient.QueryOutcome
        do {
            outcome = try await gateways.daraja.query(checkoutRequestID: checkout, context: context)
        } catch {
            return .unknown("\(error)")
        }
        switch outcome {
        case .paid:
            // An expired unanswered push that was paid after all is recorded too (`failedWith`):
            // if the order was paid by a retry meanwhile, Orders answers `payment.unneeded`.
            let changed = try await context.store.transaction { transaction in
                try PaymentTransitions.succeed(
                    paymentID: payment.id, failedWith: MpesaPayment.unansweredCode, at: context.now, in: transaction)
            }
            if changed {
                context.logger.info(
                    "M-Pesa payment confirmed", metadata: ["payment_id": "\(payment.id)", "order_id": "\(payment.orderID)"])
            }
        case .failed(let code, let description):
            if payment.callbackAt != nil {
                context.logger.error(
                    "STK Query contradicts a success callback; the payment is failed",
                    metadata: ["payment_id": "\(payment.id)", "result_code": "\(code)"])
            }
            try await PaymentTransitions.fail(
                paymentID: payment.id, resultCode: code, resultDesc: description, context: context)
            if payment.isExpiredUnansweredPush {
                // Known unpaid now: it stays failed and drops out of reconciliation.
                try await context.store.execute(
                    "UPDATE payments SET result_code = $2, result_desc = $3, updated_at = $4 WHERE id = $1 AND result_code = $5",
                    [
                        .text(payment.id), .text(code), .text(description), .text(context.now.timestamp),
                        .text(MpesaPayment.unansweredCode),
                    ])
            }
        case .unknown:
            break
        }
        return outcome
    }
}
