import Glibc
import SokoFunctions

/// The `reconcileMpesa` schedule (every 2 minutes, one replica per tick): M-Pesa payments still
/// pending ``PaymentsSettings/reconcileAfter`` seconds after they started — the callback never
/// came, was not genuine, or its confirmation gave up — are settled by STK Query: `"0"` →
/// succeeded, a final code → failed, still processing (4999) or no answer → left for the next run.
/// A pending payment that never got a CheckoutRequestID (the push had no answer) cannot be queried:
/// after twice the wait it is failed.
public enum ReconcileMpesa {
    public struct Report: Sendable, Equatable {
        public var succeeded: [String] = []
        public var failed: [String] = []
        public var stillPending: [String] = []
    }

    /// Payments looked at per run; the next run takes the rest.
    static let batch = 50

    @discardableResult
    static func run(now: Int = Int(time(nil)), context: FunctionContext, gateways: Gateways) async throws -> Report {
        let wait = gateways.settings.reconcileAfter
        let before = Timestamp.format(seconds: now - wait)
        let pending = try await PaymentRepository.all(
            "status = 'pending' AND method = 'mpesa' AND created_at < $1 ORDER BY created_at LIMIT \(batch)",
            [.text(before)], in: context.store)
        var report = Report()
        for payment in pending {
            if payment.checkoutRequestID == nil {
                if payment.createdAt < Timestamp.format(seconds: now - 2 * wait),
                    try await PaymentTransitions.fail(
                        paymentID: payment.id, resultCode: nil, resultDesc: "Daraja never answered the STK push",
                        store: context.store)
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
