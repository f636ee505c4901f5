import Contracts
import SokoFunctions

/// The M-Pesa half of ``PayOrder``: a pending payment with a fresh callback token, then the STK push.
enum MpesaPayment {
    /// Daraja's limits on the two free-text fields (`../shared/reference/integrations.md` §1.3).
    static let accountReferenceLimit = 12
    static let descriptionLimit = 13

    static func start(
        order: OrderPaymentDetails, phone: MpesaPhone, context: FunctionContext, gateways: Gateways
    ) async throws -> Reply<PayOrder.Started> {
        guard order.currency.uppercased() == "KES" else {
            throw FunctionError(
                status: 422, code: "currency-not-supported",
                detail: "M-Pesa takes Kenyan shillings only; this order is in \(order.currency)",
                errors: [FieldError(field: "method", message: "mpesa cannot pay an order in \(order.currency)")])
        }
        let shillings = wholeShillings(order.total)
        let token = CallbackToken.generate()
        let (payment, inserted) = try await PayOrder.insertPending(
            order: order, method: .mpesa, amount: shillings * 100,
            extra: ["phone": .text(phone.msisdn), "callback_token_hash": .text(token.hash)], context: context)
        guard inserted else { throw PaymentsProblem.pending(payment) }

        let outcome: DarajaClient.PushOutcome
        do {
            outcome = try await gateways.daraja.push(
                amount: shillings, phone: phone, callbackURL: gateways.settings.publicURL + "/webhooks/mpesa/" + token.text,
                accountReference: accountReference(orderID: order.id), description: "Soko order", context: context)
        } catch {
            throw unanswered(payment, reason: "\(error)", context: context)
        }
        switch outcome {
        case .accepted(let accepted):
            // Conditional: a callback that came first (and adopted the ids by the token) wins.
            try await context.store.execute(
                """
                UPDATE payments SET merchant_request_id = $2, checkout_request_id = $3, updated_at = $4
                WHERE id = $1 AND checkout_request_id IS NULL
                """,
                [
                    .text(payment.id), .text(accepted.merchantRequestID), .text(accepted.checkoutRequestID),
                    .text(context.now.timestamp),
                ])
            context.logger.info(
                "STK push accepted",
                metadata: ["payment_id": "\(payment.id)", "order_id": "\(order.id)", "phone": "\(phone.masked)"])
            let output = PayOrder.Started(
                paymentID: payment.id, status: .pending, method: .mpesa, checkoutRequestID: accepted.checkoutRequestID,
                customerMessage: accepted.customerMessage ?? "Check your phone to complete the payment")
            return Reply(status: 202, body: output)
        case .refused(let status, let code, let detail):
            try await PaymentTransitions.fail(
                paymentID: payment.id, resultCode: code ?? String(status), resultDesc: detail, context: context)
            context.logger.warning(
                "STK push refused", metadata: ["payment_id": "\(payment.id)", "status": "\(status)", "detail": "\(detail)"])
            if status == 400, detail.contains("PhoneNumber") || detail.contains("PartyA") {
                throw FunctionError.validation([FieldError(field: "phone", message: "M-Pesa refused it: \(detail)")])
            }
            throw PaymentsProblem.gatewayRefused("mpesa", detail)
        case .unknown(let reason):
            throw unanswered(payment, reason: reason, context: context)
        }
    }

    /// `result_code` of a payment whose push never got Daraja's answer and that ``ReconcileMpesa``
    /// expired: the only failed payment a late callback (found by its token) may still revive.
    static let unansweredCode = "push-unanswered"

    /// The push got no answer from Daraja (a timeout, a dropped connection, a proxy's 502): it may
    /// have reached the phone and be paid. So the payment stays `pending` — never `failed`, which
    /// would let the shopper pay again while the first charge goes unrecorded — its callback is
    /// still matched by the URL's token, and ``ReconcileMpesa`` expires it after the STK window.
    /// A new push for the order meanwhile is 409 `payment-pending`.
    private static func unanswered(_ payment: Payment, reason: String, context: FunctionContext) -> FunctionError {
        context.logger.warning("STK push got no answer", metadata: ["payment_id": "\(payment.id)", "error": "\(reason)"])
        return PaymentsProblem.outcomeUnknown("M-Pesa", payment)
    }

    /// Minor units → whole shillings, rounded up (Daraja takes whole numbers only).
    static func wholeShillings(_ minor: Int) -> Int { (max(minor, 0) + 99) / 100 }

    /// `AccountReference` (≤ 12 characters, shown on the customer's phone): `SOKO` and the first 8
    /// hex digits of the order id, upper case.
    static func accountReference(orderID: String) -> String {
        "SOKO" + String(orderID.filter { $0 != "-" }.prefix(accountReferenceLimit - 4)).uppercased()
    }
}

extension Payment {
    /// An M-Pesa push Daraja never answered, expired by reconciliation: a late success callback
    /// (or STK Query) still records its charge, as ``MpesaPayment/unansweredCode`` explains.
    var isExpiredUnansweredPush: Bool {
        method == .mpesa && status == .failed && resultCode == MpesaPayment.unansweredCode
    }

    /// Whether an M-Pesa callback or STK Query may still decide this payment.
    var awaitsMpesaOutcome: Bool { status == .pending || isExpiredUnansweredPush }
}
