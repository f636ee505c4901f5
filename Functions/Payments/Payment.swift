import SokoFunctions

/// How a payment is made.
public enum PaymentMethod: String, Sendable, Codable {
    case mpesa
    case stripe
}

/// Where a payment is: `pending` until the gateway's outcome is known (M-Pesa: a confirmed
/// callback or a query; Stripe: a webhook), then `succeeded` or `failed`; refunds move a
/// succeeded payment to `partially_refunded` or `refunded`.
public enum PaymentStatus: String, Sendable, Codable {
    case pending
    case succeeded
    case failed
    case refunded
    case partiallyRefunded = "partially_refunded"
}

/// A payment as stored. Encoded, it is the public document (`GET /payments/{id}`): gateway ids
/// and outcome, never the callback token hash or the client secret.
public struct Payment: Sendable, Equatable, Encodable {
    public var id: String
    public var orderID: String
    public var customerID: String
    public var method: PaymentMethod
    public var status: PaymentStatus
    public var amount: Int
    public var currency: String
    public var refundedAmount: Int
    public var refundDue: Bool
    public var phone: String?
    public var merchantRequestID: String?
    public var checkoutRequestID: String?
    var callbackTokenHash: String?
    public var callbackAt: String?
    public var receipt: String?
    public var resultCode: String?
    public var resultDesc: String?
    public var paymentIntentID: String?
    var clientSecret: String?
    public var cardLast4: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, method, status, amount, currency, phone, receipt
        case orderID = "order_id"
        case customerID = "customer_id"
        case refundedAmount = "refunded_amount"
        case refundDue = "refund_due"
        case merchantRequestID = "merchant_request_id"
        case checkoutRequestID = "checkout_request_id"
        case resultCode = "result_code"
        case resultDesc = "result_desc"
        case paymentIntentID = "payment_intent_id"
        case cardLast4 = "card_last4"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(customerID, forKey: .customerID)
        try container.encode(method, forKey: .method)
        try container.encode(status, forKey: .status)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(refundedAmount, forKey: .refundedAmount)
        try container.encode(refundDue, forKey: .refundDue)
        try container.encode(phone, forKey: .phone)
        try container.encode(merchantRequestID, forKey: .merchantRequestID)
        try container.encode(checkoutRequestID, forKey: .checkoutRequestID)
        try container.encode(receipt, forKey: .receipt)
        try container.encode(resultCode, forKey: .resultCode)
        try container.encode(resultDesc, forKey: .resultDesc)
        try container.encode(paymentIntentID, forKey: .paymentIntentID)
        try container.encode(cardLast4, forKey: .cardLast4)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    static let columns = """
        id, order_id, customer_id, method, status, amount, currency, refunded_amount, refund_due, phone,
        merchant_request_id, checkout_request_id, callback_token_hash, callback_at, receipt, result_code, result_desc,
        payment_intent_id, client_secret, card_last4, created_at, updated_at
        """

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        orderID = try row.string("order_id") ?? ""
        customerID = try row.string("customer_id") ?? ""
        let methodText = try row.string("method") ?? ""
        let statusText = try row.string("status") ?? ""
        guard let method = PaymentMethod(rawValue: methodText), let status = PaymentStatus(rawValue: statusText) else {
            throw StoreError.type(column: "method/status", expected: "a payment method and status")
        }
        self.method = method
        self.status = status
        amount = try row.int("amount") ?? 0
        currency = try row.string("currency") ?? ""
        refundedAmount = try row.int("refunded_amount") ?? 0
        refundDue = try row.bool("refund_due") ?? false
        phone = try row.string("phone")
        merchantRequestID = try row.string("merchant_request_id")
        checkoutRequestID = try row.string("checkout_request_id")
        callbackTokenHash = try row.string("callback_token_hash")
        callbackAt = try row.string("callback_at")
        receipt = try row.string("receipt")
        resultCode = try row.string("result_code")
        resultDesc = try row.string("result_desc")
        paymentIntentID = try row.string("payment_intent_id")
        clientSecret = try row.string("client_secret")
        cardLast4 = try row.string("card_last4")
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }
}
