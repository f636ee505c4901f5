import SokoFunctions

/// The `reconcileMpesa` schedule (every 2 minutes, one replica per tick): M-Pesa payments still
/// pending ``PaymentsSettings/reconcileAfter`` seconds after they started — the callback never
/// came, was not genuine, or its confirmation gave up — are settled by STK Query: `"0"` →
/// succeeded, a final code → failed, still processing (4999) or no answer → left for the next run.
/// A pending payment that never got a CheckoutRequestID (Daraja's answer to the push was lost)
/// cannot be queried: after twice the wait — well past the phone's STK prompt timeout — it is
/// expired (`failed` with result code ``MpesaPayment/unansweredCode``) so the shopper can pay again.
/// Its callback is still accepted by its token afterwards; such a late success callback's
/// payment is then settled here too, if ``ConfirmMpesa`` gave up on it.
struct ReconcileMpesa: DependentFunction {
    let gateways: Gateways

    public struct Report: Sendable, Equatable {
        public var succeeded: [String] = []
        public var failed: [String] = []
        public var stillPending: [String] = []
    }

    /// Payments looked at per run; the next run takes the rest.
    static let batch = 50

    func run(_: NoInput, context: FunctionContext) async throws {
        try await reconcile(context: context)
    }

    /// One run as of `context.now`.
    @discardableResult
    func reconcile(context: FunctionContext) async throws -> Report {
        let now = context.now.unixSeconds
        let wait = gateways.settings.reconcileAfter
        let before = Timestamp.format(seconds: now - wait)
        let pending = try await PaymentRepository.all(
            """
            method = 'mpesa' AND created_at < $1
                AND (status = 'pending' OR (status = 'failed' AND result_code = $2 AND callback_at IS NOT NULL))
            ORDER BY created_at LIMIT \(Self.batch)
            """,
            [.text(before), .text(MpesaPayment.unansweredCode)], in: context.store)
        var report = Report()
        for payment in pending {
            if payment.checkoutRequestID == nil {
                if payment.createdAt < Timestamp.format(seconds: now - 2 * wait),
                    try await PaymentTransitions.fail(
                        paymentID: payment.id, resultCode: MpesaPayment.unansweredCode,
                        resultDesc: "Daraja never answered the STK push; expired so the order can be paid again",
                        context: context)
                {
                    report.failed.append(payment.id)
                } else {
                    report.stillPending.append(payment.id)
                }
                continue
            }
            switch try await MpesaSettlement.settle(payment, context: context, gateways: gateways) {
            case .paid: report.succeeded.append(payment.id)
            case .failed: report.failed.append(payment.id)
            case .unknown: report.stillPending.append(payment.id)
            }
        }
        if !pending.isEmpty {
            context.logger.info(
                "M-Pesa reconciled",
                metadata: [
                    "succeeded": "\(report.succeeded.count)", "failed": "\(report.failed.count)",
                    "pending": "\(report.stillPending.count)",
                ])
        }
        return report
    }
}
