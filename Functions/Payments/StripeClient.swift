import SokoFunctions

/// Stripe's API over the host's outgoing HTTP client: form-encoded bodies, `Authorization: Bearer`,
/// the pinned `Stripe-Version`, and an `Idempotency-Key` on every POST derived from our own ids,
/// so a retry (ours or the client's) replays Stripe's first answer instead of charging twice.
struct StripeClient: Sendable {
    let settings: PaymentsSettings

    struct PaymentIntent: Decodable, Sendable {
        var id: String
        var clientSecret: String?
        var status: String
        var latestCharge: String?
        enum CodingKeys: String, CodingKey {
            case id, status
            case clientSecret = "client_secret"
            case latestCharge = "latest_charge"
        }
    }

    struct Refund: Decodable, Sendable {
        var id: String
        var amount: Int
        var status: String
    }

    /// Stripe's error envelope.
    struct ErrorEnvelope: Decodable {
        struct Detail: Decodable {
            var type: String?
            var code: String?
            var message: String?
        }
        var error: Detail
    }

    /// An answer that was not a success: Stripe's status and message.
    struct Refusal: Error, CustomStringConvertible {
        var status: Int
        var message: String
        var description: String { "HTTP \(status): \(message)" }
    }

    /// `POST /v1/payment_intents` for `payment` (key `pi-create:<payment id>`).
    func createIntent(for payment: Payment, context: FunctionContext) async throws -> PaymentIntent {
        guard let amount = StripeAmount.stripe(minor: payment.amount, currency: payment.currency) else {
            throw Refusal(status: 422, message: "currency \(payment.currency) is not supported")
        }
        let fields = [
            ("amount", String(amount)), ("currency", payment.currency.lowercased()),
            ("automatic_payment_methods[enabled]", "true"), ("metadata[order_id]", payment.orderID),
            ("metadata[payment_id]", payment.id),
        ]
        return try await post("/v1/payment_intents", fields, key: "pi-create:\(payment.id)", context: context)
    }

    /// `POST /v1/refunds` of `amount` (Soko minor units) of `payment`, with a key that names what
    /// was refunded before, so a retry of this refund is replayed and a later one is new.
    func refund(_ payment: Payment, amount: Int, context: FunctionContext) async throws -> Refund {
        guard let intent = payment.paymentIntentID,
            let stripeAmount = StripeAmount.stripe(minor: amount, currency: payment.currency)
        else { throw Refusal(status: 422, message: "the payment has no PaymentIntent or currency Stripe takes") }
        let fields = [
            ("payment_intent", intent), ("amount", String(stripeAmount)), ("metadata[payment_id]", payment.id),
            ("metadata[order_id]", payment.orderID),
        ]
        let key = "refund:\(payment.id):\(payment.refundedAmount):\(amount)"
        return try await post("/v1/refunds", fields, key: key, context: context)
    }

    /// The card's last four digits of a charge (`GET /v1/charges/{id}`), or nil when it has none.
    func cardLast4(charge: String, context: FunctionContext) async throws -> String? {
        struct Charge: Decodable {
            struct Details: Decodable {
                struct Card: Decodable { var last4: String? }
                var card: Card?
            }
            var paymentMethodDetails: Details?
            enum CodingKeys: String, CodingKey { case paymentMethodDetails = "payment_method_details" }
        }
        let path = "/v1/charges/" + FormEncoding.encode(charge)
        let response = try await context.send(
            OutgoingRequest(method: "GET", url: settings.stripeBaseURL + path, headers: headers(key: nil)))
        guard response.status == 200 else { throw Self.refusal(response) }
        return try response.json(Charge.self).paymentMethodDetails?.card?.last4
    }

    private func post<T: Decodable>(
        _ path: String, _ fields: [(String, String)], key: String, context: FunctionContext
    ) async throws -> T {
        let request = OutgoingRequest.form(
            "POST", settings.stripeBaseURL + path, fields, headers: headers(key: key), idempotent: true)
        let response = try await context.send(request)
        guard (200..<300).contains(response.status) else { throw Self.refusal(response) }
        return try response.json(T.self)
    }

    private func headers(key: String?) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Authorization": "Bearer \(settings.stripeSecretKey)", "Stripe-Version": settings.stripeVersion,
        ]
        if let key { headers.add("Idempotency-Key", key) }
        return headers
    }

    private static func refusal(_ response: OutgoingResponse) -> Refusal {
        let message = (try? response.json(ErrorEnvelope.self))?.error.message ?? "no message"
        return Refusal(status: response.status, message: message)
    }
}
