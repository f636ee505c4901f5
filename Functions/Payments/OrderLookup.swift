import Contracts
import SokoFunctions

/// `orders.paymentDetails`: the order as Payments needs it.
enum OrderLookup {
    /// The order `id` if it is `customerID`'s (any customer's when nil); 404 `order-not-found` otherwise.
    /// With `accessToken` (a guest) the token must open the order, else 404 as well.
    static func order(_ id: String, customerID: String?, accessToken: String? = nil, context: FunctionContext) async throws
        -> OrderPaymentDetails
    {
        do {
            return try await context.invoke(
                OrdersContract.paymentDetails,
                PaymentDetailsRequest(orderID: id, customerID: customerID, accessToken: accessToken))
        } catch let error as InvocationError where error.status == 404 {
            throw PaymentsProblem.orderNotFound
        }
    }
}
