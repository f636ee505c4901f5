import SokoFunctions

/// The body Daraja posts to `CallBackURL` when an STK push ends, in its documented shape:
/// `ResultCode` a number; on success `CallbackMetadata.Item` with `Amount` written as a decimal
/// (`1.00`), `MpesaReceiptNumber`, a `Balance` item without `Value`, `TransactionDate` as the number
/// `YYYYMMDDHHmmss` (Nairobi time) and `PhoneNumber` as a number. A failure has no metadata.
struct StkCallback: Equatable, Sendable {
    var merchantRequestID: String
    var checkoutRequestID: String
    var outcome: StkOutcome
    var amount: Int
    var receipt: String
    /// `YYYYMMDDHHmmss`.
    var transactionDate: String
    var phoneNumber: String

    var body: [UInt8] {
        var json = JSONBuffer(capacity: 512)
        json.openObject()
        json.key("Body")
        json.openObject()
        json.key("stkCallback")
        json.openObject()
        json.key("MerchantRequestID")
        json.string(merchantRequestID)
        json.key("CheckoutRequestID")
        json.string(checkoutRequestID)
        json.key("ResultCode")
        json.int(outcome.resultCode)
        json.key("ResultDesc")
        json.string(outcome.resultDescription)
        if outcome.resultCode == 0 {
            json.key("CallbackMetadata")
            json.openObject()
            json.key("Item")
            json.openArray()
            item(&json, "Amount") { $0.raw("\(amount).00") }
            item(&json, "MpesaReceiptNumber") { $0.string(receipt) }
            item(&json, "Balance", nil)
            item(&json, "TransactionDate") { $0.raw(transactionDate) }
            item(&json, "PhoneNumber") { $0.raw(phoneNumber) }
            json.closeArray()
            json.closeObject()
        }
        json.closeObject()
        json.closeObject()
        json.closeObject()
        return json.bytes
    }

    private func item(_ json: inout JSONBuffer, _ name: String, _ value: ((inout JSONBuffer) -> Void)?) {
        json.openObject()
        json.key("Name")
        json.string(name)
        if let value {
            json.key("Value")
            value(&json)
        }
        json.closeObject()
    }

    /// The POST to the merchant's `CallBackURL`.
    func request(to url: String) -> OutgoingRequest {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json")
        return OutgoingRequest(method: "POST", url: url, headers: headers, body: body, idempotent: false, timeout: .seconds(10))
    }
}
