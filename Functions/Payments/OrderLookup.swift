import Contracts
import SokoFunctions

/// `orders.paymentDetails`: the order as Payments needs it.
enum OrderLookup {
    /// The order `id` if it is `customerID`'s (any customer's when nil); 404 `order-not-found` otherwise.
    static func order(_ id: String, customerID: String?, context: FunctionContext) async throws -> OrderPaymentDetails {
        do {
            return try await context.invoke(
                OrdersContract.paymentDetails, PaymentDetailsRequest(orderID: id, customerID: customerID))
        } catch let error as InvocationError where error.status == 404 {
            throw PaymentsProblem.orderNotFound
        }
    }
}
