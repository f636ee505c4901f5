import Contracts
import SokoFunctions

/// The Stripe half of ``PayOrder``: a pending payment, then its PaymentIntent (created with the key
/// `pi-create:<payment id>`, so asking again for the same payment replays the same intent).
enum StripePayment {
    static func start(order: OrderPaymentDetails, context: FunctionContext, gateways: Gateways) async throws -> Reply<
        PayOrder.Started
    > {
        guard StripeAmount.stripe(minor: order.total, currency: order.currency) != nil else {
            throw FunctionError(
                status: 422, code: "currency-not-supported", detail: "card payments do not take \(order.currency) here",
                errors: [FieldError(field: "method", message: "stripe cannot pay an order in \(order.currency)")])
        }
        let (payment, inserted) = try await PayOrder.insertPending(
            order: order, method: .stripe, amount: order.total, extra: [:], context: context)
        if !inserted, let intent = payment.paymentIntentID, let secret = payment.clientSecret {
            return Reply(status: 200, body: output(payment, intent: intent, secret: secret))
        }
        // New, or pending without an intent (an earlier create got no answer): the same key.
        let intent: StripeClient.PaymentIntent
        do {
            intent = try await gateways.stripe.createIntent(for: payment, context: context)
        } catch let refusal as StripeClient.Refusal where refusal.status < 500 && refusal.status != 429 {
            try await PaymentTransitions.fail(
                paymentID: payment.id, resultCode: String(refusal.status), resultDesc: refusal.message, context: context)
            throw PaymentsProblem.gatewayRefused("stripe", refusal.message)
        } catch {
            context.logger.warning(
                "PaymentIntent not created; the next attempt reuses the key",
                metadata: ["payment_id": "\(payment.id)", "error": "\(error)"])
            throw PaymentsProblem.gatewayUnavailable("Stripe")
        }
        try await context.store.execute(
            "UPDATE payments SET payment_intent_id = $2, client_secret = $3, updated_at = $4 WHERE id = $1",
            [.text(payment.id), .text(intent.id), SQLValue(intent.clientSecret), .text(context.now.timestamp)])
        return Reply(status: 201, body: output(payment, intent: intent.id, secret: intent.clientSecret))
    }

    private static func output(_ payment: Payment, intent: String, secret: String?) -> PayOrder.Started {
        PayOrder.Started(
            paymentID: payment.id, status: .pending, method: .stripe, paymentIntentID: intent, clientSecret: secret)
    }
}
