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
        let response = await DarajaEndpoint.answer(context) {
            try await DarajaToken.authorize(request, context: context)
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
            var json = JSONBuffer(capacity: 256)
            json.openObject()
            json.key("MerchantRequestID")
            json.string(message.merchantRequestID)
            json.key("CheckoutRequestID")
            json.string(message.checkoutRequestID)
            json.key("ResponseCode")
            json.string("0")
            json.key("ResponseDescription")
            json.string(accepted)
            json.key("CustomerMessage")
            json.string(accepted)
            json.closeObject()
            return FunctionResponse(json: json)
        }
        return (response, callback)
    }

    /// Posts the callback after the delay (once: Daraja does not redeliver) and records the result.
    static func schedule(
        _ message: StkCallback, to url: String, context: FunctionContext, settings: SandboxSettings
    ) -> Task<Void, Never> {
        let delivery = SandboxDelivery(context: context)
        let store = context.store
        let logger = context.logger
        return Task.detached {
            let result = await delivery.deliver(after: settings.callbackDelay, what: "STK callback \(message.checkoutRequestID)")
            {
                message.request(to: url)
            }
            let (state, status): (String, Int?) =
                switch result {
                case .delivered(let status): ("delivered", status)
                case .failed(let status): ("failed", status)
                }
            do {
                try await store.execute(
                    "UPDATE stk_requests SET callback_state = $1, callback_status = $2 WHERE checkout_request_id = $3",
                    [.text(state), status.map { SQLValue($0) } ?? .null, .text(message.checkoutRequestID)])
            } catch {
                logger.warning("sandbox: could not record the STK callback's delivery: \(error)")
            }
        }
    }
}
