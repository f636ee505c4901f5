import SokoFunctions

extension OrderEvents {
    /// A guest order became a customer's (`user.email_verified`, or `POST /orders/claim`): one
    /// event per order, so Payments can hand the order's payments to their new owner.
    public static let claimed = EventContract<OrderClaimed>("order.claimed")
}

/// The payload of `order.claimed`: the order and the customer who now owns it.
public struct OrderClaimed: Codable, Sendable, Equatable {
    public var orderID: String
    public var customerID: String

    public init(orderID: String, customerID: String) {
        self.orderID = orderID
        self.customerID = customerID
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case customerID = "customer_id"
    }
}
