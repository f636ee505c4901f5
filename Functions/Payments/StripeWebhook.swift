import Glibc
import SokoFunctions

/// `POST /webhooks/stripe` (Stripe; `auth: webhook`, raw body): verifies `Stripe-Signature` on the
/// exact body bytes (400 `signature-invalid` or `signature-missing` otherwise), then applies the
/// event once — its id goes into `stripe_events` (ON CONFLICT DO NOTHING) in the same transaction
/// as the effect, so a redelivery changes nothing — and answers `200 {"received": true}`.
///
/// - `payment_intent.succeeded` → succeeded + `payment.succeeded` (from `pending`, or `failed`: a
///   customer may retry a declined card on the same intent). The card's last four digits come from
///   `GET /v1/charges/{latest_charge}`, fetched before the transaction (never inside it); if that
///   fails the payment still succeeds, without them.
/// - `payment_intent.payment_failed` → failed + `payment.failed` (only from `pending`: a late
///   failure never undoes a success — Stripe does not order its events).
/// - `charge.refunded` → `refunded`/`partially_refunded` + `payment.refunded` when the refunded
///   total grew (our own ``RefundPayment`` may have recorded it already).
/// - anything else → 200, ignored.
struct StripeWebhook: DependentRawFunction {
    let gateways: Gateways

    struct Envelope: Decodable {
        var id: String
        var type: String
        var data: DataField
        struct DataField: Decodable { var object: Object }
        struct Object: Decodable {
            var id: String?
            var object: String?
            var metadata: [String: String]?
            var latestCharge: String?
            var paymentIntent: String?
            var amount: Int?
            var amountRefunded: Int?
            var currency: String?
            var lastPaymentError: PaymentError?
            struct PaymentError: Decodable {
                var code: String?
                var message: String?
            }
            enum CodingKeys: String, CodingKey {
                case id, object, metadata, amount, currency
                case latestCharge = "latest_charge"
                case paymentIntent = "payment_intent"
                case amountRefunded = "amount_refunded"
                case lastPaymentError = "last_payment_error"
            }
        }
    }

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        let settings = gateways.settings
        // A shop that takes no cards has no webhook secret of its own: nothing is verified against
        // the sandbox's.
        guard settings.methods.contains(.stripe) else {
            throw FunctionError.notFound("this shop does not take card payments", code: "not-found")
        }
        do {
            try StripeSignature.verify(
                payload: request.body, header: request.headers["Stripe-Signature"], secrets: settings.stripeWebhookSecrets,
                now: context.now.unixSeconds, tolerance: settings.signatureTolerance)
        } catch {
            context.logger.warning("Stripe webhook refused", metadata: ["reason": "\(error)"])
            let code = error == .missing ? "signature-missing" : "signature-invalid"
            throw FunctionError.badRequest(error.description, code: code)
        }
        let event: Envelope
        do {
            event = try JSONCoding.decode(Envelope.self, from: request.body)
        } catch {
            throw FunctionError.badRequest("the event is not a Stripe event object", code: "malformed-json")
        }
        try await Self.apply(event, context: context, gateways: gateways)
        return try .json(["received": true])
    }

    static func apply(_ event: Envelope, context: FunctionContext, gateways: Gateways) async throws {
        let object = event.data.object
        let logger = context.logger
        switch event.type {
        case "payment_intent.succeeded", "payment_intent.payment_failed":
            guard let payment = try await Self.payment(intent: object.id, metadata: object.metadata, store: context.store) else {
                logger.warning("Stripe event for an unknown PaymentIntent", metadata: ["event_id": "\(event.id)"])
                return try await Self.record(event, context: context) { _ in }
            }
            if event.type == "payment_intent.succeeded" {
                let last4 = await Self.cardLast4(
                    charge: object.latestCharge, payment: payment, context: context, gateways: gateways)
                try await Self.record(event, context: context) { transaction in
                    try PaymentTransitions.succeed(
                        paymentID: payment.id, from: [.pending, .failed], cardLast4: last4, at: context.now,
                        in: transaction)
                    // The intent id, if the webhook beat payOrder's own write of it.
                    try transaction.execute(
                        "UPDATE payments SET payment_intent_id = $2 WHERE id = $1 AND payment_intent_id IS NULL",
                        [.text(payment.id), SQLValue(object.id)])
                }
            } else {
                try await Self.record(event, context: context) { transaction in
                    try PaymentTransitions.fail(
                        paymentID: payment.id, resultCode: object.lastPaymentError?.code,
                        resultDesc: object.lastPaymentError?.message ?? "the card payment failed", at: context.now,
                        in: transaction)
                }
            }
        case "charge.refunded":
            guard let intent = object.paymentIntent,
                let payment = try await PaymentRepository.find(paymentIntentID: intent, in: context.store),
                let refunded = object.amountRefunded,
                let total = StripeAmount.minor(stripe: refunded, currency: object.currency ?? payment.currency)
            else {
                logger.warning("charge.refunded for an unknown payment", metadata: ["event_id": "\(event.id)"])
                return try await Self.record(event, context: context) { _ in }
            }
            try await Self.record(event, context: context) { transaction in
                try PaymentTransitions.recordRefund(paymentID: payment.id, total: total, at: context.now, in: transaction)
            }
        default:
            try await Self.record(event, context: context) { _ in }
        }
    }

    /// The card's last four digits, read outside any transaction; nil (logged) when they cannot be.
    private static func cardLast4(
        charge: String?, payment: Payment, context: FunctionContext, gateways: Gateways
    ) async -> String? {
        guard let charge else { return nil }
        do {
            return try await gateways.stripe.cardLast4(charge: charge, context: context)
        } catch {
            context.logger.warning("card digits not read", metadata: ["payment_id": "\(payment.id)", "error": "\(error)"])
            return nil
        }
    }

    /// Runs `effect` with the event id recorded, in one transaction; nothing when it was recorded before.
    private static func record(
        _ event: Envelope, context: FunctionContext, _ effect: @escaping @Sendable (Transaction) throws -> Void
    ) async throws {
        let id = event.id
        let type = event.type
        try await context.store.transaction { transaction in
            let fresh = try transaction.execute(
                "INSERT INTO stripe_events (event_id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING",
                [.text(id), .text(type), .text(context.now.timestamp)])
            if fresh == 1 { try effect(transaction) }
        }
    }

    /// The payment of an intent: by its id, or by `metadata[payment_id]` when the intent id is not
    /// stored yet.
    private static func payment(intent: String?, metadata: [String: String]?, store: Store) async throws -> Payment? {
        if let intent, let payment = try await PaymentRepository.find(paymentIntentID: intent, in: store) { return payment }
        guard let id = metadata?["payment_id"], PaymentRepository.isPaymentID(id),
            let payment = try await PaymentRepository.find(id: id, in: store), payment.method == .stripe,
            payment.paymentIntentID == nil || payment.paymentIntentID == intent
        else { return nil }
        return payment
    }
}
