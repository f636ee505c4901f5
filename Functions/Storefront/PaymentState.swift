import ShopWeb
import SokoFunctions

/// Where an order's payment stands, from `orders.getOrder` and `payments.getPayment`: paid (the
/// order says so), failed (the payment failed, or the order was cancelled) or pending.
struct PaymentState: Encodable, Sendable {
    enum State: String, Encodable, Sendable { case pending, paid, failed }

    var state: State
    var orderStatus: String
    var reason: String
    var payment: PaymentData?

    enum CodingKeys: String, CodingKey {
        case state, reason
        case orderStatus = "order_status"
    }

    static func load(_ web: inout WebRequest, orderID: String, paymentID: String) async throws -> PaymentState {
        guard let order = try await OrderPage.load(&web, orderID) else {
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        var payment: PaymentData?
        if !paymentID.isEmpty {
            let answer = try await web.call("payments", "getPayment", RouteCall(pathParameters: ["id": paymentID]))
            if answer.succeeded, let found = try? answer.decode(PaymentData.self), found.orderID == order.id {
                payment = found
            }
        }
        if OrderText.isPaid(order.status) {
            return PaymentState(state: .paid, orderStatus: order.status, reason: "", payment: payment)
        }
        if order.status != "pending_payment" {
            return PaymentState(
                state: .failed, orderStatus: order.status, reason: "The order is \(OrderText.status(order.status).lowercased()).",
                payment: payment)
        }
        if let payment, payment.status == "failed" {
            return PaymentState(
                state: .failed, orderStatus: order.status, reason: payment.resultDesc ?? "The payment was not completed.",
                payment: payment)
        }
        return PaymentState(state: .pending, orderStatus: order.status, reason: "", payment: payment)
    }
}
