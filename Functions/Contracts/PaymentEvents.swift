import SokoFunctions

/// The payment events Payments and Orders write for each other.
public enum PaymentEvents {
    /// The money is in (Payments); Orders marks the order paid.
    public static let succeeded = EventContract<PaymentSucceeded>("payment.succeeded")
    /// Money went back (Payments); a full refund moves the order to `refunded`.
    public static let refunded = EventContract<PaymentRefunded>("payment.refunded")
    /// A payment succeeded for an order that no longer awaited one (Orders); Payments refunds it.
    public static let unneeded = EventContract<PaymentUnneeded>("payment.unneeded")
}

/// The payload of `payment.succeeded`.
public struct PaymentSucceeded: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    /// `mpesa` or `stripe` (text, so a new method never makes the event undeliverable).
    public var method: String
    public var amount: Int
    public var currency: String
    /// The M-Pesa receipt number (M-Pesa payments).
    public var receipt: String?
    /// The card's last four digits (Stripe payments, when the charge could be read).
    public var cardLast4: String?

    public init(
        paymentID: String, orderID: String, customerID: String, method: String, amount: Int, currency: String,
        receipt: String? = nil, cardLast4: String? = nil
    ) {
        self.paymentID = paymentID
        self.orderID = orderID
        self.customerID = customerID
        self.method = method
        self.amount = amount
        self.currency = currency
        self.receipt = receipt
        self.cardLast4 = cardLast4
    }

    enum CodingKeys: String, CodingKey {
        case method, amount, currency, receipt
        case paymentID = "payment_id"
        case orderID = "order_id"
        case customerID = "customer_id"
        case cardLast4 = "card_last4"
    }
}

/// The payload of `payment.refunded`: `amount` is this refund, `refunded_amount` the total so far;
/// `full` when nothing is left.
public struct PaymentRefunded: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    public var method: String
    public var amount: Int
    public var refundedAmount: Int
    public var currency: String
    public var full: Bool

    public init(
        paymentID: String, orderID: String, customerID: String, method: String, amount: Int, refundedAmount: Int,
        currency: String, full: Bool
    ) {
        self.paymentID = paymentID
        self.orderID = orderID
        self.customerID = customerID
        self.method = method
        self.amount = amount
        self.refundedAmount = refundedAmount
        self.currency = currency
        self.full = full
    }

    enum CodingKeys: String, CodingKey {
        case method, amount, currency, full
        case paymentID = "payment_id"
        case orderID = "order_id"
        case customerID = "customer_id"
        case refundedAmount = "refunded_amount"
    }
}

/// The payload of `payment.unneeded`.
public struct PaymentUnneeded: Codable, Sendable, Equatable {
    public var paymentID: String
    public var orderID: String
    /// The order's state when the payment arrived (`paid`, `cancelled`, …).
    public var orderStatus: String

    public init(paymentID: String, orderID: String, orderStatus: String) {
        self.paymentID = paymentID
        self.orderID = orderID
        self.orderStatus = orderStatus
    }

    enum CodingKeys: String, CodingKey {
        case paymentID = "payment_id"
        case orderID = "order_id"
        case orderStatus = "order_status"
    }
}
