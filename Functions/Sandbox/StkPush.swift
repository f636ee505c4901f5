import SokoFunctions

/// `POST /_sandbox/daraja/mpesa/stkpush/v1/processrequest`: checks the bearer token and the body
/// as Daraja does, answers the synchronous acknowledgement, and after the callback delay posts the
/// outcome the phone number picks (``StkOutcome``) to `CallBackURL`.
enum StkPush {
    static let accepted = "Success. Request accepted for processing"

    /// Answers the push; the callback's task is returned for tests to await (nil when withheld).
    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async
        -> (response: FunctionResponse, callback: Task<Void, Never>?)
    {
        var callback: Task<Void, Never>?
        let response = await DarajaEndpoint.acknowledge(request, context) {
            let push = try StkPushRequest(
                body: request.body, passkey: settings.darajaPasskey, callbackHosts: settings.callbackHosts)
            let nowMilliseconds = Int(context.now.unixMilliseconds)
            let due = nowMilliseconds + settings.callbackDelay.milliseconds
            let outcome = StkOutcome.forPhone(push.phoneNumber)
            let message = StkCallback(
                merchantRequestID: SandboxIdentifiers.merchantRequestID(),
                checkoutRequestID: SandboxIdentifiers.checkoutRequestID(now: nowMilliseconds / 1000), outcome: outcome,
                amount: push.amount, receipt: SandboxIdentifiers.mpesaReceipt(),
                transactionDate: NairobiTime(unix: due / 1000).compact, phoneNumber: push.phoneNumber)
            let body = outcome.sendsCallback ? String(decoding: message.body, as: UTF8.self) : nil
            try await context.store.execute(
                """
                INSERT INTO stk_requests (checkout_request_id, merchant_request_id, business_short_code, amount, phone,
                    callback_url, account_reference, result_code, receipt, due_ms, callback_body, callback_state, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """,
                [
                    .text(message.checkoutRequestID), .text(message.merchantRequestID), .text(push.businessShortCode),
                    SQLValue(push.amount), .text(push.phoneNumber), .text(push.callbackURL), .text(push.accountReference),
                    SQLValue(outcome.resultCode), outcome.resultCode == 0 ? .text(message.receipt) : .null, SQLValue(due),
                    SQLValue(body), .text(body == nil ? "withheld" : "pending"), SQLValue(nowMilliseconds / 1000),
                ])
            if outcome.sendsCallback {
                callback = schedule(message, to: push.callbackURL, context: context, settings: settings)
            }
            return [
                "MerchantRequestID": message.merchantRequestID, "CheckoutRequestID": message.checkoutRequestID,
                "ResponseCode": "0", "ResponseDescription": accepted, "CustomerMessage": accepted,
            ]
        }
        return (response, callback)
    }

    /// Posts the callback after the delay (once: Daraja does not redeliver) and records the result.
    static func schedule(
        _ message: StkCallback, to url: String, context: FunctionContext, settings: SandboxSettings
    ) -> Task<Void, Never> {
        let store = context.store
        return SandboxDelivery.post(
            after: settings.callbackDelay, what: "STK callback \(message.checkoutRequestID)", context: context,
            { message.request(to: url) }
        ) { result in
            let status: Int? =
                switch result {
                case .delivered(let status): status
                case .failed(let status): status
                }
            try await store.execute(
                "UPDATE stk_requests SET callback_state = $1, callback_status = $2 WHERE checkout_request_id = $3",
                [.text(SandboxDelivery.state(result)), status.map { SQLValue($0) } ?? .null, .text(message.checkoutRequestID)])
        }
    }
}
