import Contracts
import SokoFunctions

/// `GET /payments/{id}` → the payment (its customer or an admin; 404 for anyone else, as for a
/// missing one).
///
/// A payment still written with a guest's id whose order the caller has claimed — written in the
/// instant between the claim and `order.claimed` reaching ``AdoptClaimedPayments`` — is adopted
/// here: Orders is asked whether the order is now the caller's, and only then is it re-owned.
enum GetPayment: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Payment {
        guard let identity = context.identity else { throw FunctionError.unauthorized("sign in to see payments") }
        guard let id = context.pathParameter("id"), PaymentRepository.isPaymentID(id),
            var payment = try await PaymentRepository.find(id: id, in: context.store)
        else { throw PaymentsProblem.paymentNotFound }
        if identity.roles.contains("admin") || payment.customerID == identity.subject { return payment }
        guard GuestOrdersContract.isGuest(payment.customerID), !GuestOrdersContract.isGuest(identity.subject) else {
            throw PaymentsProblem.paymentNotFound
        }
        do {
            _ = try await OrderLookup.order(payment.orderID, customerID: identity.subject, context: context)
        } catch let error as FunctionError where error.problem.status == 404 {
            throw PaymentsProblem.paymentNotFound  // not the caller's order: as for a missing payment
        }
        try await AdoptClaimedPayments.adopt(orderID: payment.orderID, customerID: identity.subject, context: context)
        payment.customerID = identity.subject
        return payment
    }
}
