import SokoFunctions

/// `POST /_sandbox/daraja/mpesa/reversal/v1/request`: checks the bearer token and the body as
/// Daraja does, answers the synchronous acknowledgement (`ResponseCode "0"`, `ConversationID`,
/// `OriginatorConversationID`), and after the callback delay posts the result
/// (``ReversalResult``) to `ResultURL` — or, for a queue timeout, to `QueueTimeOutURL`.
enum Reversal {
    static let accepted = "Accept the service request successfully."

    /// Answers the request; the result's task is returned for tests to await.
    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async
        -> (response: FunctionResponse, result: Task<Void, Never>?)
    {
        var delivery: Task<Void, Never>?
        let response = await DarajaEndpoint.acknowledge(request, context) {
            let reversal = try ReversalRequest(body: request.body, callbackHosts: settings.callbackHosts)
            let now = Int(context.now.unixSeconds)
            let outcome = try await decide(reversal, settings: settings, store: context.store)
            let original = try await context.store.query(
                "SELECT phone FROM stk_requests WHERE receipt = $1", [.text(reversal.transactionID)]
            ).first.flatMap { try $0.string("phone") }
            let ids = DarajaResultEnvelope.conversationIDs(now: now)
            let result = ReversalResult(
                outcome: outcome, originatorConversationID: ids.originator, conversationID: ids.conversation,
                originalTransactionID: reversal.transactionID, amount: reversal.amount,
                completedAt: NairobiTime(unix: now + settings.callbackDelay.milliseconds / 1000).compact,
                creditParty: "\(original ?? "254708374149") - Sandbox Customer",
                debitParty: "\(reversal.receiverParty) - Sandbox Shop", timeoutURL: reversal.timeoutURL)
            var transactionID: SQLValue = .null
            if case .reversed(let id) = outcome { transactionID = .text(id) }
            // The sandbox's "lost result": reversed, and nothing is ever posted about it.
            let lost = transactionID != .null && original == ReversalResult.lostResultPhone
            try await context.store.execute(
                """
                INSERT INTO reversal_requests (conversation_id, originator_conversation_id, original_transaction_id, amount,
                    result_url, timeout_url, result_code, transaction_id, result_state, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                [
                    .text(result.conversationID), .text(result.originatorConversationID), .text(reversal.transactionID),
                    SQLValue(reversal.amount), .text(reversal.resultURL), .text(reversal.timeoutURL),
                    .text(outcome.code), transactionID, .text(lost ? "withheld" : "pending"), SQLValue(now),
                ])
            let url = outcome == .queueTimeout ? reversal.timeoutURL : reversal.resultURL
            if !lost { delivery = schedule(result, to: url, context: context, settings: settings) }
            return [
                "OriginatorConversationID": result.originatorConversationID, "ConversationID": result.conversationID,
                "ResponseCode": "0", "ResponseDescription": accepted,
            ]
        }
        return (response, delivery)
    }

    /// The outcome, by the rules in ``ReversalResult``'s table.
    static func decide(_ reversal: ReversalRequest, settings: SandboxSettings, store: Store) async throws
        -> ReversalResult.Outcome
    {
        guard reversal.initiator.isOperator(settings) else {
            return .failed(code: "2001", description: "The initiator information is invalid.")
        }
        guard
            let paid = try await store.query(
                "SELECT amount, phone FROM stk_requests WHERE receipt = $1 AND result_code = 0", [.text(reversal.transactionID)]
            ).first
        else { return .failed(code: "R000002", description: "The OriginalTransactionID is invalid.") }
        let reversed = try await store.query(
            "SELECT COUNT(*) AS n FROM reversal_requests WHERE original_transaction_id = $1 AND result_code = '0'",
            [.text(reversal.transactionID)])
        if try (reversed.first?.int("n") ?? 0) > 0 {
            return .failed(code: "R000001", description: "The transaction has already been reversed.")
        }
        guard try paid.int("amount") == reversal.amount else {
            return .failed(code: "R000003", description: "The amount does not match the original transaction.")
        }
        if try paid.string("phone") == ReversalResult.timeoutPhone { return .queueTimeout }
        return .reversed(transactionID: SandboxIdentifiers.mpesaReceipt())
    }

    /// Posts the result after the delay (once, as Daraja does) and records what became of it.
    static func schedule(
        _ result: ReversalResult, to url: String, context: FunctionContext, settings: SandboxSettings
    ) -> Task<Void, Never> {
        let store = context.store
        return SandboxDelivery.post(
            after: settings.callbackDelay, what: "reversal result \(result.conversationID)", context: context,
            { result.request(to: url) }
        ) { outcome in
            try await store.execute(
                "UPDATE reversal_requests SET result_state = $1 WHERE conversation_id = $2",
                [.text(SandboxDelivery.state(outcome)), .text(result.conversationID)])
        }
    }
}
