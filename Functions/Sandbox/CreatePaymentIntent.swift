import SokoFunctions

/// `POST /_sandbox/stripe/v1/payment_intents` (form: `amount`, `currency`, `metadata[…]`,
/// `automatic_payment_methods[enabled]`, `payment_method`, `confirm`, …) → the PaymentIntent,
/// `requires_payment_method` (or `requires_confirmation` with a payment method; confirmed at once
/// with `confirm=true`).
enum CreatePaymentIntent {
    static let names: Set<String> = [
        "amount", "currency", "description", "payment_method", "confirm", "customer", "receipt_email", "return_url",
        "capture_method", "confirmation_method", "statement_descriptor", "statement_descriptor_suffix",
        "automatic_payment_methods[enabled]", "automatic_payment_methods[allow_redirects]", "setup_future_usage",
    ]

    /// Stripe's largest amount: eight digits of minor units.
    static let maximumAmount = 99_999_999

    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        let form = endpoint.form
        try form.check(names: names, families: ["metadata", "payment_method_types", "expand"])
        guard let amount = try form.integer("amount") else { throw StripeError.missing("amount") }
        guard amount >= 1 else {
            throw StripeError.invalidRequest(
                "This value must be greater than or equal to 1.", code: "parameter_invalid_integer", param: "amount")
        }
        guard amount <= maximumAmount else {
            throw StripeError.invalidRequest(
                "Amount must be no more than 99,999,999.", code: "amount_too_large", param: "amount")
        }
        guard let currency = form["currency"]?.lowercased() else { throw StripeError.missing("currency") }
        guard currency.count == 3, currency.allSatisfy({ $0 >= "a" && $0 <= "z" }) else {
            throw StripeError.invalidRequest("Invalid currency: \(currency)", code: "parameter_invalid_string", param: "currency")
        }
        if let method = form["capture_method"], method != "automatic", method != "automatic_async" {
            throw StripeError.invalidRequest(
                "The sandbox supports capture_method automatic only.", code: "parameter_invalid_string",
                param: "capture_method")
        }
        for type in form.list("payment_method_types") where type != "card" {
            throw StripeError.invalidRequest(
                "The payment method type \"\(type)\" is invalid. The sandbox supports card only.",
                code: "parameter_invalid_string", param: "payment_method_types")
        }
        let paymentMethod = form["payment_method"]
        if let paymentMethod, StripeTestCard.named(paymentMethod) == nil {
            throw StripeError.noSuch("PaymentMethod", paymentMethod, param: "payment_method")
        }
        let confirm = try form.boolean("confirm") ?? false
        let metadata = try form.metadata()
        let automatic = try form.boolean("automatic_payment_methods[enabled]") ?? form.list("payment_method_types").isEmpty
        let id = SandboxIdentifiers.stripe("pi")
        let intent = StripePaymentIntent(
            id: id, amount: amount, currency: currency,
            status: paymentMethod == nil ? "requires_payment_method" : "requires_confirmation",
            clientSecret: id + "_secret_" + SandboxIdentifiers.random(25),
            metadataJSON: String(decoding: try JSONCoding.encode(metadata), as: UTF8.self),
            description: form["description"], paymentMethod: paymentMethod, automaticPaymentMethods: automatic,
            created: endpoint.context.now.unixSeconds)
        try await endpoint.context.store.execute(
            """
            INSERT INTO stripe_payment_intents (id, amount, currency, status, client_secret, metadata, description,
                payment_method, automatic_payment_methods, created)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(intent.id), SQLValue(amount), .text(currency), .text(intent.status), .text(intent.clientSecret),
                .text(intent.metadataJSON), SQLValue(intent.description), SQLValue(paymentMethod), SQLValue(automatic),
                SQLValue(intent.created),
            ])
        if confirm {
            guard let paymentMethod else { throw StripeError.missing("payment_method") }
            return try await ConfirmPaymentIntent.confirm(intent, with: paymentMethod, endpoint: endpoint)
        }
        return (200, Array(intent.json(charge: try await intent.expandedCharge(form, store: endpoint.context.store)).utf8))
    }
}
