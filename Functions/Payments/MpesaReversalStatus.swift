import SokoFunctions

/// `POST /webhooks/mpesa/reversal/{token}/status` (Daraja; `auth: webhook`): the answer to a
/// Transaction Status query that ``ReconcileReversals`` sent about a reversal whose own result
/// never came — posted here as the query's ResultURL and its QueueTimeOutURL both. Acknowledged at
/// once like the reversal's result; the path token is the query's own (SHA-256 stored in
/// `status_token_hash`, replaced by each new query, so an old query's answer is ignored).
///
/// It reads the original payment's `TransactionStatus`: `Reversed` → the reversal went through
/// (`succeeded`, the refund recorded as the result would have); `Completed` → it did not (`failed`
/// with result code ``notReversed``, for an admin to retry — a retry of one that went through
/// after all is answered R000001, a success). Anything else (a failed query, a queue timeout, a
/// status it does not know) changes nothing: the next run asks again.
enum MpesaReversalStatus: RawFunction {
    static let notReversed = "not-reversed"

    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        let json = try ReversalCallback.json(request)
        let logger = context.logger
        guard
            let reversal = try await ReversalCallback.reversal(
                tokenColumn: "status_token_hash", \.statusTokenHash, context: context)
        else {
            logger.warning("M-Pesa transaction status with an unknown token; acknowledged and ignored")
            return ReversalCallback.accepted
        }
        guard let result = DarajaResultBody(json), result.succeeded,
            let status = MpesaCallbackBody.text(result.parameters["TransactionStatus"])
        else {
            logger.warning(
                "M-Pesa transaction status without an answer; asked again later",
                metadata: ["reversal_id": "\(reversal.id)", "result_code": "\(DarajaResultBody(json)?.resultCode ?? "")"])
            return ReversalCallback.accepted
        }
        switch status.lowercased() {
        case "reversed":
            let settled = try await MpesaRefunds.succeed(
                reversal.id, code: "0", description: "Transaction Status: the payment was reversed",
                transactionID: nil, conversationID: nil, context: context)
            logger.info(
                settled ? "M-Pesa reversal confirmed by Transaction Status" : "M-Pesa transaction status for a settled reversal",
                metadata: ["reversal_id": "\(reversal.id)"])
        case "completed":
            try await MpesaRefunds.settle(
                reversal.id, .failed, code: notReversed,
                description: "Transaction Status: the payment is not reversed; retry the refund", context: context)
            logger.error(
                "M-Pesa reversal never happened; retry it from the admin refunds list",
                metadata: ["reversal_id": "\(reversal.id)"])
        default:
            logger.warning(
                "M-Pesa transaction status not understood; asked again later",
                metadata: ["reversal_id": "\(reversal.id)", "transaction_status": "\(status)"])
        }
        return ReversalCallback.accepted
    }
}
