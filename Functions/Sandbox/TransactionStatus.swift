import SokoFunctions

/// `POST /_sandbox/daraja/mpesa/transactionstatus/v1/query`: checks the bearer token and the body
/// as Daraja does (``InitiatorRequest`` with `CommandID` `TransactionStatusQuery`, `PartyA` a
/// shortcode, `IdentifierType` 1, 2 or 4), acknowledges it (`ResponseCode "0"`), and after the
/// callback delay posts the transaction's status to `ResultURL`:
///
/// | case | result |
/// |---|---|
/// | `Initiator` / `SecurityCredential` not the sandbox's operator | ResultCode 2001 "The initiator information is invalid." |
/// | `TransactionID` names no paid STK push | ResultCode "R000002" "The transaction could not be found." (the sandbox's own code) |
/// | a reversal of it went through (result posted or lost) | ResultCode 0, `TransactionStatus` `Reversed` |
/// | otherwise | ResultCode 0, `TransactionStatus` `Completed` |
///
/// The successful result carries `ResultParameters` as Daraja's do: `ReceiptNo`, `TransactionStatus`,
/// `Amount`, `FinalisedTime`, `InitiatedTime`, `ReasonType`, `DebitPartyName`, `CreditPartyName`.
enum TransactionStatus {
    static let accepted = "Accept the service request successfully."

    /// Answers the query; the result's task is returned for tests to await.
    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async
        -> (response: FunctionResponse, result: Task<Void, Never>?)
    {
        var delivery: Task<Void, Never>?
        let response = await DarajaEndpoint.acknowledge(request, context) {
            let fields = try DarajaFields(body: request.body)
            let query = try InitiatorRequest(fields, command: "TransactionStatusQuery", callbackHosts: settings.callbackHosts)
            guard let party = fields.text("PartyA"), StkPushRequest.isShortCode(party) else {
                throw DarajaError.invalid("PartyA")
            }
            guard let type = fields.text("IdentifierType"), ["1", "2", "4"].contains(type) else {
                throw DarajaError.invalid("IdentifierType")
            }
            let ids = DarajaResultEnvelope.conversationIDs(now: Int(context.now.unixSeconds))
            let result = try await answer(
                query, ids: ids, now: Int(context.now.unixSeconds), settings: settings, store: context.store)
            let url = query.resultURL
            delivery = SandboxDelivery.post(
                after: settings.callbackDelay, what: "transaction status \(ids.conversation)", context: context,
                { result.request(to: url) }, record: { _ in })
            return [
                "OriginatorConversationID": ids.originator, "ConversationID": ids.conversation, "ResponseCode": "0",
                "ResponseDescription": accepted,
            ]
        }
        return (response, delivery)
    }

    /// The result, by the rules in the table above.
    static func answer(
        _ query: InitiatorRequest, ids: (originator: String, conversation: String), now: Int, settings: SandboxSettings,
        store: Store
    ) async throws -> DarajaResultEnvelope {
        var envelope = DarajaResultEnvelope(
            resultCode: "2001", resultDesc: "The initiator information is invalid.", originatorConversationID: ids.originator,
            conversationID: ids.conversation, transactionID: SandboxIdentifiers.mpesaReceipt(), parameters: [],
            timeoutURL: query.timeoutURL)
        guard query.isOperator(settings) else { return envelope }
        guard
            let paid = try await store.query(
                "SELECT amount, phone, created_at FROM stk_requests WHERE receipt = $1 AND result_code = 0",
                [.text(query.transactionID)]
            ).first
        else {
            (envelope.resultCode, envelope.resultDesc) = ("R000002", "The transaction could not be found.")
            return envelope
        }
        let reversals = try await store.query(
            "SELECT COUNT(*) AS n FROM reversal_requests WHERE original_transaction_id = $1 AND result_code = '0'",
            [.text(query.transactionID)])
        let status = try (reversals.first?.int("n") ?? 0) > 0 ? "Reversed" : "Completed"
        let (receipt, amount, phone) = (query.transactionID, try paid.int("amount") ?? 0, try paid.string("phone") ?? "")
        let initiated = NairobiTime(unix: try paid.int("created_at") ?? now).compact
        let finalised = NairobiTime(unix: now).compact
        (envelope.resultCode, envelope.resultDesc) = ("0", "The service request is processed successfully.")
        envelope.parameters = [
            ("DebitPartyName", { $0.string("\(phone) - Sandbox Customer") }),
            ("CreditPartyName", { $0.string("174379 - Sandbox Shop") }),
            ("OriginatorConversationID", { $0.string(ids.originator) }),
            ("InitiatedTime", { $0.raw(initiated) }), ("DebitAccountType", { $0.string("MMF Account For Customer") }),
            ("DebitPartyCharges", { $0.string("") }), ("TransactionReason", { $0.string("") }),
            ("ReasonType", { $0.string("Pay Bill Online") }), ("TransactionStatus", { $0.string(status) }),
            ("FinalisedTime", { $0.raw(finalised) }), ("Amount", { $0.int(amount) }),
            ("ConversationID", { $0.string(ids.conversation) }), ("ReceiptNo", { $0.string(receipt) }),
        ]
        return envelope
    }
}
