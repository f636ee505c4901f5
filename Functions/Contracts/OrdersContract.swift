import SokoFunctions

/// The orders service's internal functions other services call.
public enum OrdersContract {
    /// What Payments needs to charge an order; 404 `order-not-found` when it is missing or,
    /// with a customer id, someone else's.
    public static let paymentDetails = Contract<PaymentDetailsRequest, OrderPaymentDetails>(
        service: "orders", function: "paymentDetails", idempotent: true)
}

/// The body of `orders.paymentDetails`.
public struct PaymentDetailsRequest: Codable, Sendable, Equatable {
    public var orderID: String
    /// The customer the order must belong to (any customer's when nil).
    public var customerID: String?
    /// A guest order's access token: the order must be the one it opens (for `POST
    /// /guest/orders/{id}/pay`, which has no customer).
    public var accessToken: String?

    public init(orderID: String, customerID: String?, accessToken: String? = nil) {
        self.orderID = orderID
        self.customerID = customerID
        self.accessToken = accessToken
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case customerID = "customer_id"
        case accessToken = "access_token"
    }
}

/// An order as `orders.paymentDetails` answers it.
public struct OrderPaymentDetails: Codable, Sendable, Equatable {
    public var id: String
    public var customerID: String
    /// The order's state (`pending_payment`, `paid`, …).
    public var status: String
    /// Minor units of ``currency``.
    public var total: Int
    public var currency: String

    public init(id: String, customerID: String, status: String, total: Int, currency: String) {
        self.id = id
        self.customerID = customerID
        self.status = status
        self.total = total
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case id, status, total, currency
        case customerID = "customer_id"
    }
}
