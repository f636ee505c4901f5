import Contracts
import SokoFunctions

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

extension PaymentSucceeded {
    init(_ payment: Payment) {
        self.init(
            paymentID: payment.id, orderID: payment.orderID, customerID: payment.customerID,
            method: payment.method.rawValue, amount: payment.amount, currency: payment.currency,
            receipt: payment.receipt, cardLast4: payment.cardLast4)
    }
}
