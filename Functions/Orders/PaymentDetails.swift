import Contracts
import SokoFunctions

/// `POST /internal/orders/payment` (`auth: service`): what Payments needs to charge an order —
/// `{order_id, customer_id?, access_token?}` → `{id, customer_id, status, total, currency}`.
///
/// With `customer_id` the order must be that customer's: someone else's order is 404
/// `order-not-found`, exactly like a missing one (Payments passes the caller of `payOrder`). With
/// `access_token` (a guest paying) the token must open the order (``GuestAccessTokens``), else 404.
enum PaymentDetails: Function {
    static func run(_ input: PaymentDetailsRequest, context: FunctionContext) async throws -> OrderPaymentDetails {
        guard OrderRepository.isOrderID(input.orderID),
            let order = try await OrderRepository.find(id: input.orderID, in: context.store), order.status.isPublic,
            input.customerID == nil || order.customerID == input.customerID
        else { throw OrdersProblem.orderNotFound }
        // A guest paying: the token must open this order.
        if let token = input.accessToken {
            guard try await GuestAccessTokens.opens(token, orderID: order.id, at: context.now, store: context.store) else {
                throw OrdersProblem.orderNotFound
            }
        }
        return OrderPaymentDetails(
            id: order.id, customerID: order.customerID, status: order.status.rawValue, total: order.totals.total,
            currency: order.currency ?? "")
    }
}
