import SokoFunctions

/// `orders.paymentDetails` (`POST /internal/orders/payment`): the order as Payments needs it.
/// Bundles do not import each other, so the wire shapes are repeated here.
enum OrderLookup {
    struct Input: Encodable, Sendable {
        var orderID: String
        var customerID: String?
        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case customerID = "customer_id"
        }
    }

    struct Order: Decodable, Sendable {
        var id: String
        var customerID: String
        var status: String
        var total: Int
        var currency: String
        enum CodingKeys: String, CodingKey {
            case id, status, total, currency
            case customerID = "customer_id"
        }
    }

    /// The order `id` if it is `customerID`'s (any customer's when nil); 404 `order-not-found` otherwise.
    static func order(_ id: String, customerID: String?, context: FunctionContext) async throws -> Order {
        do {
            return try await context.invoke(
                "orders", "paymentDetails", Input(orderID: id, customerID: customerID), as: Order.self, idempotent: true)
        } catch let error as InvocationError where error.status == 404 {
            throw PaymentsProblem.orderNotFound
        }
    }
}
