import SokoFunctions

/// `GET /payments/{id}` → the payment (its customer or an admin; 404 for anyone else, as for a
/// missing one).
enum GetPayment: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Payment {
        guard let identity = context.identity else { throw FunctionError.unauthorized("sign in to see payments") }
        guard let id = context.pathParameter("id"), PaymentRepository.isPaymentID(id),
            let payment = try await PaymentRepository.find(id: id, in: context.store),
            identity.roles.contains("admin") || payment.customerID == identity.subject
        else { throw PaymentsProblem.paymentNotFound }
        return payment
    }
}
