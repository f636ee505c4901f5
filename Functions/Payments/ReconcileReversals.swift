import SokoFunctions

/// The `reconcileReversals` schedule (every 5 minutes, one replica per tick): an M-Pesa refund
/// still `pending` or `requested` ``wait`` seconds after its last change — neither the result nor
/// the queue timeout came, Daraja's answer to the request was lost, or the process stopped before
/// sending it — is asked after with Daraja's Transaction Status API on the original payment's
/// receipt. The answer arrives at ``MpesaReversalStatus`` (`Reversed` → succeeded, `Completed` →
/// failed, for an admin to retry). It is asked again every ``wait`` seconds while no answer comes;
/// after ``maximumQueries`` unanswered queries the refund is `failed` (result code ``unanswered``)
/// so it shows in the admin list's failures instead of waiting for ever.
///
/// Why a status query and not a second reversal: a reversal is not idempotent on Daraja's side
/// until the first one completed (R000001 only then), so re-issuing blind could race the lost one;
/// the query changes nothing and answers the question.
struct ReconcileReversals: DependentFunction {
    let gateways: Gateways

    /// Seconds without news before asking, and between two queries.
    static let wait = 600
    static let maximumQueries = 12
    static let unanswered = "status-unanswered"
    /// Reversals looked at per run; the next run takes the rest.
    static let batch = 50

    struct Report: Sendable, Equatable {
        var queried: [String] = []
        var givenUp: [String] = []
    }

    func run(_: NoInput, context: FunctionContext) async throws {
        try await reconcile(context: context)
    }

    /// One run as of `context.now`.
    @discardableResult
    func reconcile(context: FunctionContext) async throws -> Report {
        let before = Timestamp.format(seconds: context.now.unixSeconds - Self.wait)
        let due = try await context.store.query(
            """
            SELECT \(MpesaReversal.columns) FROM mpesa_reversals
            WHERE status IN ('pending', 'requested') AND updated_at < $1
                AND (status_queried_at IS NULL OR status_queried_at < $1)
            ORDER BY updated_at LIMIT \(Self.batch)
            """, [.text(before)]
        ).map(MpesaReversal.init)
        var report = Report()
        for reversal in due {
            if reversal.statusQueries >= Self.maximumQueries {
                try await MpesaRefunds.settle(
                    reversal.id, .failed, code: Self.unanswered,
                    description: "no result and no Transaction Status answer after \(reversal.statusQueries) queries",
                    context: context)
                context.logger.error(
                    "M-Pesa reversal unresolved; retry it from the admin refunds list",
                    metadata: ["reversal_id": "\(reversal.id)"])
                report.givenUp.append(reversal.id)
            } else if try await query(reversal, before: before, context: context) {
                report.queried.append(reversal.id)
            }
        }
        if !due.isEmpty {
            context.logger.info(
                "M-Pesa reversals reconciled",
                metadata: ["queried": "\(report.queried.count)", "given_up": "\(report.givenUp.count)"])
        }
        return report
    }

    /// Claims the reversal for this query (a new token; a conditional update, so two runs never
    /// both ask) and sends it. False when another run claimed it, or Daraja did not take the query.
    func query(_ reversal: MpesaReversal, before: String, context: FunctionContext) async throws -> Bool {
        let token = CallbackToken.generate()
        let claimed = try await context.store.execute(
            """
            UPDATE mpesa_reversals SET status_token_hash = $2, status_queried_at = $3, status_queries = status_queries + 1
            WHERE id = $1 AND status IN ('pending', 'requested') AND (status_queried_at IS NULL OR status_queried_at < $4)
            """, [.text(reversal.id), .text(token.hash), .text(context.now.timestamp), .text(before)])
        guard claimed == 1 else { return false }
        let url = gateways.settings.publicURL + "/webhooks/mpesa/reversal/" + token.text + "/status"
        let answer: DarajaClient.Answer<DarajaClient.Queued>
        do {
            answer = try await gateways.daraja.transactionStatus(
                receipt: reversal.receipt, resultURL: url, timeoutURL: url,
                remarks: "Refund of order \(reversal.orderID.prefix(8))", context: context)
        } catch {
            context.logger.warning(
                "M-Pesa transaction status not sent", metadata: ["reversal_id": "\(reversal.id)", "error": "\(error)"])
            return false
        }
        guard case .accepted = answer else {
            context.logger.warning(
                "Daraja did not take the transaction status query", metadata: ["reversal_id": "\(reversal.id)"])
            return false
        }
        return true
    }
}
