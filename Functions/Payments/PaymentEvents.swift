import SokoFunctions

/// `payment.succeeded`: the money is in. Orders marks the order paid (`markPaid`).
public struct PaymentSucceeded: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    public var method: PaymentMethod
    public var amount: Int
    public var currency: String
    /// The M-Pesa receipt number (M-Pesa payments).
    public var receipt: String?
    /// The card's last four digits (Stripe payments, when the charge could be read).
    public var cardLast4: String?

    enum CodingKeys: String, CodingKey {
        case method, amount, currency, receipt
        case paymentID = "payment_id"
        case orderID = "order_id"
        case customerID = "customer_id"
        case cardLast4 = "card_last4"
    }

    init(_ payment: Payment) {
        paymentID = payment.id
        orderID = payment.orderID
        customerID = payment.customerID
        method = payment.method
        amount = payment.amount
        currency = payment.currency
        receipt = payment.receipt
        cardLast4 = payment.cardLast4
    }
}

/// `payment.failed`: the attempt failed; the order stays payable until it expires.
public struct PaymentFailed: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    public var method: PaymentMethod
    public var resultCode: String?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case method, reason
        case paymentID = "payment_id"
        case orderID = "order_id"
        case customerID = "customer_id"
        case resultCode = "result_code"
    }
}

/// `payment.refunded`: money went back. `amount` is this refund, `refunded_amount` the total so
/// far; `full` when nothing is left (Orders then moves the order to `refunded`).
public struct PaymentRefunded: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    public var method: PaymentMethod
    public var amount: Int
    public var refundedAmount: Int
    public var currency: String
    public var full: Bool

    enum CodingKeys: String, CodingKey {
        case method, amount, currency, full
        case paymentID = "payment_id"
        case orderID = "order_id"
        case customerID = "customer_id"
        case refundedAmount = "refunded_amount"
    }
}

/// `mpesa.callback_received` (internal to Payments): a success callback passed its checks and
/// waits for confirmation by STK Query (``ConfirmMpesa``).
public struct MpesaCallbackReceived: Codable, Sendable, Equatable {
    public var paymentID: String
    public var checkoutRequestID: String

    enum CodingKeys: String, CodingKey {
        case paymentID = "payment_id"
        case checkoutRequestID = "checkout_request_id"
    }
}
