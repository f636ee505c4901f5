import Contracts
import SokoFunctions

struct CollectPaymentInput: Decodable, Sendable {
    var method: String?
    var reference: String?

    /// `cash` or `mpesa`, and the reference trimmed (the M-Pesa receipt number, a cash receipt's
    /// number); 422 naming a bad field.
    func validated() throws -> (method: String, reference: String?) {
        var errors: [FieldError] = []
        if method != "cash" && method != "mpesa" {
            errors.append(FieldError(field: "method", message: "must be cash or mpesa"))
        }
        let reference = reference.map(AddressRules.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if let reference, reference.count > 64 || AddressRules.hasControlCharacters(reference) {
            errors.append(FieldError(field: "reference", message: "must be at most 64 printable characters"))
        }
        guard errors.isEmpty, let method else { throw FunctionError.validation(errors) }
        return (method, reference)
    }
}

/// `POST /admin/orders/{id}/collect` `{method: cash|mpesa, reference?}` (admin) → the paid order:
/// the merchant records the money for an order paid on delivery. The order goes `confirmed →
/// paid` and emits `order.paid` with `payment: {method, amount, currency, receipt}`, so the
/// receipt email and SMS go out as for an online payment.
///
/// 409 `not-pay-on-delivery` for an order paid online (only a payment marks it paid), 409
/// `illegal-transition` when it is no longer `confirmed` — the conditional update in
/// ``OrderTransitions`` lets exactly one of two concurrent collections win; 404 `order-not-found`.
enum CollectPayment: Function {
    static func run(_ input: CollectPaymentInput, context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        let (method, reference) = try input.validated()
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id) else { throw OrdersProblem.orderNotFound }
        let now = context.now
        let order = try await context.store.transaction { transaction in
            guard let order = try OrderRepository.find(id: id, in: transaction), order.status.isPublic else {
                throw OrdersProblem.orderNotFound
            }
            guard order.paysOnDelivery else {
                throw FunctionError(
                    status: 409, code: "not-pay-on-delivery",
                    detail: "order \(id) is paid online; only its payment marks it paid")
            }
            let payment = OrderEvent.Payment(
                method: method, amount: order.totals.total, currency: order.currency, receipt: reference)
            return try OrderTransitions.apply(
                orderID: id, to: .paid, actor: access.actor, payment: payment, at: now, in: transaction)
        }
        // Committed at placement already; repeated (idempotent) in case that stock was placed
        // before this code committed it.
        _ = try? await context.invoke(CatalogContract.commitStock, OrderReference(orderID: id))
        return order
    }
}
