import SokoFunctions

/// `POST /_sandbox/daraja/mpesa/stkpushquery/v1/query` `{BusinessShortCode, Password, Timestamp,
/// CheckoutRequestID}`: the outcome of a push, with `ResultCode` as a **string** (unlike the
/// callback). Before the callback delay has passed the outcome is not known yet and the answer is
/// Daraja's `500.001.1001 The transaction is being processed`.
enum StkQuery {
    static let accepted = "The service request has been accepted successfully"

    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async
        -> FunctionResponse
    {
        await DarajaEndpoint.answer(context) {
            try await DarajaToken.authorize(request, context: context)
            let fields = try DarajaFields(body: request.body)
            guard let shortCode = fields.text("BusinessShortCode"), StkPushRequest.isShortCode(shortCode) else {
                throw DarajaError.invalid("BusinessShortCode")
            }
            guard let timestamp = fields.text("Timestamp"), DarajaPassword.isTimestamp(timestamp) else {
                throw DarajaError.invalid("Timestamp")
            }
            guard let password = fields.text("Password"), !password.isEmpty else { throw DarajaError.invalid("Password") }
            guard password == DarajaPassword.make(shortCode: shortCode, passkey: settings.darajaPasskey, timestamp: timestamp)
            else { throw DarajaError.wrongCredentials }
            guard let checkoutID = fields.text("CheckoutRequestID"), !checkoutID.isEmpty else {
                throw DarajaError.invalid("CheckoutRequestID")
            }
            let rows = try await context.store.query(
                """
                SELECT merchant_request_id, business_short_code, phone, due_ms FROM stk_requests
                WHERE checkout_request_id = $1
                """,
                [.text(checkoutID)])
            guard let row = rows.first, try row.string("business_short_code") == shortCode else {
                throw DarajaError.invalid("CheckoutRequestID")
            }
            guard let due = try row.int("due_ms"), Int(context.now.unixMilliseconds) >= due else {
                throw DarajaError.beingProcessed
            }
            let outcome = StkOutcome.forPhone(try row.string("phone") ?? "")
            var json = JSONBuffer(capacity: 320)
            json.openObject()
            json.key("ResponseCode")
            json.string("0")
            json.key("ResponseDescription")
            json.string(accepted)
            json.key("MerchantRequestID")
            json.string(try row.string("merchant_request_id") ?? "")
            json.key("CheckoutRequestID")
            json.string(checkoutID)
            json.key("ResultCode")
            json.string(String(outcome.resultCode))
            json.key("ResultDesc")
            json.string(outcome.resultDescription)
            json.closeObject()
            return FunctionResponse(json: json)
        }
    }
}
