import SokoFunctions

/// `POST /internal/orders/payment` (`auth: service`): what Payments needs to charge an order —
/// `{order_id, customer_id?}` → `{id, customer_id, status, total, currency}`.
///
/// With `customer_id` the order must be that customer's: someone else's order is 404
/// `order-not-found`, exactly like a missing one (Payments passes the caller of `payOrder`).
enum PaymentDetails: Function {
    struct Input: Decodable, Sendable {
        var orderID: String
        var customerID: String?
        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case customerID = "customer_id"
        }
    }

    struct Output: Encodable, Sendable {
        var id: String
        var customerID: String
        var status: OrderStatus
        var total: Int
        var currency: String
        enum CodingKeys: String, CodingKey {
            case id, status, total, currency
            case customerID = "customer_id"
        }
    }

    static func run(_ input: Input, context: FunctionContext) async throws -> Output {
        guard OrderRepository.isOrderID(input.orderID),
            let order = try await OrderRepository.find(id: input.orderID, in: context.store), order.status.isPublic,
            input.customerID == nil || order.customerID == input.customerID
        else { throw OrdersProblem.orderNotFound }
        return Output(
            id: order.id, customerID: order.customerID, status: order.status, total: order.totals.total,
            currency: order.currency ?? "")
    }
}
