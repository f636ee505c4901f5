import SokoFunctions

/// `POST /webhooks/mpesa/reversal/{token}/result` (Daraja; `auth: webhook`): the outcome of a
/// reversal, acknowledged at once with `{"ResultCode":0,"ResultDesc":"Accepted"}` whatever it says
/// (malformed JSON is 400). The token in the path is the credential (only its SHA-256 is stored;
/// the access log shows `[redacted]`); the ConversationID, when the row has one, must match.
///
/// Idempotent on the reversal: only a `requested` (or still `pending`: the result beat our own
/// write of Daraja's answer) reversal is settled, by a conditional update, and a success records
/// the refund on the payment (`payment.refunded {full: true}`) in the same transaction — a
/// duplicate result changes nothing. `R000001` ("the transaction has already been reversed") counts
/// as a success: it answers a retry whose first result was lost.
enum MpesaReversalResult: RawFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try await ReversalCallback.handle(request, timedOut: false, context: context)
    }
}

/// `POST /webhooks/mpesa/reversal/{token}/timeout` (Daraja's QueueTimeOutURL): the request
/// expired in Safaricom's queue unprocessed; the reversal is `failed` and an admin may retry it.
enum MpesaReversalTimeout: RawFunction {
    static func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try await ReversalCallback.handle(request, timedOut: true, context: context)
    }
}

/// What the two reversal callbacks share.
enum ReversalCallback {
    static let accepted = FunctionResponse(
        status: 200, headers: ["Content-Type": "application/json"], body: Array(MpesaCallback.accepted.utf8))

    /// The reversal whose token column (`callback_token_hash`, or `status_token_hash` for a
    /// Transaction Status answer) holds the SHA-256 of the path's token, compared in constant time.
    static func reversal(
        tokenColumn: String, _ stored: KeyPath<MpesaReversal, String?>, context: FunctionContext
    ) async throws -> MpesaReversal? {
        let token = context.pathParameter("token") ?? ""
        guard !token.isEmpty, token.utf8.count <= 100,
            let reversal = try await MpesaReversal.find(
                "\(tokenColumn) = $1", [.text(CallbackToken.hash(token))], in: context.store),
            let hash = reversal[keyPath: stored], CallbackToken.matches(token, storedHash: hash)
        else { return nil }
        return reversal
    }

    /// The body as JSON, or 400 `malformed-json`.
    static func json(_ request: FunctionRequest) throws -> JSONValue {
        guard let json = try? JSONCoding.decode(JSONValue.self, from: request.body) else {
            throw FunctionError.badRequest("the result is not JSON", code: "malformed-json")
        }
        return json
    }

    static func handle(_ request: FunctionRequest, timedOut: Bool, context: FunctionContext) async throws -> FunctionResponse {
        let json = try json(request)
        let logger = context.logger
        guard let reversal = try await reversal(tokenColumn: "callback_token_hash", \.callbackTokenHash, context: context)
        else {
            logger.warning("M-Pesa reversal result with an unknown token; acknowledged and ignored")
            return accepted
        }
        let result = DarajaResultBody(json)
        if let conversation = reversal.conversationID, let presented = result?.conversationID, conversation != presented {
            logger.warning(
                "M-Pesa reversal result for another conversation; ignored", metadata: ["reversal_id": "\(reversal.id)"])
            return accepted
        }
        // R000001, "already reversed": an earlier request of ours went through and its result was
        // lost (the retry of a stale `requested` one) — the money is back, so it is a success.
        let alreadyReversed = result?.resultCode == "R000001"
        if timedOut || (result?.succeeded != true && !alreadyReversed) {
            let code = timedOut ? "queue-timeout" : (result?.resultCode ?? "unreadable")
            let description = timedOut ? "the request timed out in Safaricom's queue" : (result?.resultDesc ?? "no result")
            try await MpesaRefunds.settle(reversal.id, .failed, code: code, description: description, context: context)
            logger.error(
                "M-Pesa reversal failed; retry it from the admin refunds list",
                metadata: ["reversal_id": "\(reversal.id)", "result_code": "\(code)"])
            return accepted
        }
        guard let result else { return accepted }
        let settled = try await MpesaRefunds.succeed(
            reversal.id, code: result.resultCode, description: result.resultDesc, transactionID: result.transactionID,
            conversationID: result.conversationID, context: context)
        logger.info(
            settled ? "M-Pesa payment reversed" : "M-Pesa reversal result for a settled reversal",
            metadata: ["reversal_id": "\(reversal.id)", "transaction_id": "\(result.transactionID ?? "")"])
        return accepted
    }
}
