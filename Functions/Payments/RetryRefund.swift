import SokoFunctions

/// `POST /admin/refunds/{id}/retry` (admin) → 202 with the refund: sends a failed (or stale) M-Pesa
/// reversal to Daraja again (a new callback token; the attempt counted). 404
/// `refund-not-found`; 409 `refund-not-retryable` unless it failed, or was requested over an hour ago
/// and no result came (Daraja answers a repeat of a reversal that went through with R000001,
/// which settles it as a success).
struct RetryRefund: DependentFunction {
    let gateways: Gateways

    func run(_: NoInput, context: FunctionContext) async throws -> Reply<MpesaReversal> {
        guard let id = context.pathParameter("id"), MpesaReversal.isID(id),
            let reversal = try await MpesaReversal.find("id = $1", [.text(id)], in: context.store)
        else { throw FunctionError.notFound("no such refund", code: "refund-not-found") }
        guard let updated = try await MpesaRefunds.retry(reversal, context: context, gateways: gateways) else {
            throw FunctionError.notFound("no such refund", code: "refund-not-found")
        }
        return Reply(status: 202, body: updated)
    }
}
