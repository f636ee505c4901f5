import SokoFunctions

/// `POST /_sandbox/stripe/v1/payment_intents/{id}/confirm` (form `payment_method=pm_card_…`):
/// charges the test card (``StripeTestCard``). Success → `succeeded` with a charge and the
/// `payment_intent.succeeded` event; a decline → HTTP 402 `card_error` (the intent back to
/// `requires_payment_method`, its `last_payment_error` set, a failed charge) and the
/// `payment_intent.payment_failed` event.
///
/// As on Stripe, a browser confirms with the publishable key and the intent's client secret in
/// the form (`key=pk_…&client_secret=pi_…_secret_…&payment_method=…`) instead of the secret key;
/// a client secret of another intent is refused.
enum ConfirmPaymentIntent {
    static let names: Set<String> = [
        "payment_method", "return_url", "receipt_email", "off_session", "use_stripe_sdk", "key", "client_secret",
        "expected_payment_method_type",
    ]

    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        let form = endpoint.form
        try form.check(names: names, families: ["expand", "mandate_data", "payment_method_options"])
        let id = endpoint.context.pathParameter("id") ?? ""
        let intent = try await StripePaymentIntent.load(id, from: endpoint.context.store)
        if endpoint.byPublishableKey {
            let presented = form["client_secret"] ?? ""
            guard ConstantTime.equal(Array(presented.utf8), Array(intent.clientSecret.utf8)) else {
                throw StripeError.invalidRequest(
                    "The client_secret provided does not match the client_secret associated with the PaymentIntent.",
                    param: "client_secret")
            }
        }
        guard let paymentMethod = form["payment_method"] ?? intent.paymentMethod else {
            throw StripeError.invalidRequest(
                "You cannot confirm this PaymentIntent because it's missing a payment method. Pass a payment_method "
                    + "when confirming.", code: "payment_intent_unexpected_state", param: "payment_method")
        }
        return try await confirm(intent, with: paymentMethod, endpoint: endpoint)
    }

    static func confirm(_ intent: StripePaymentIntent, with paymentMethod: String, endpoint: StripeEndpoint) async throws
        -> (Int, [UInt8])
    {
        guard let card = StripeTestCard.named(paymentMethod) else {
            throw StripeError.noSuch("PaymentMethod", paymentMethod, param: "payment_method")
        }
        guard StripePaymentIntent.confirmable.contains(intent.status) else { throw unexpectedState(intent) }
        let charge = StripeCharge(
            id: SandboxIdentifiers.stripe("ch"), paymentIntent: intent.id, amount: intent.amount, currency: intent.currency,
            card: card, metadataJSON: intent.metadataJSON, created: endpoint.context.now.unixSeconds)
        var updated = intent
        updated.latestCharge = charge.id
        if let decline = card.decline {
            updated.status = "requires_payment_method"
            updated.paymentMethod = nil
            updated.lastPaymentError = lastPaymentError(decline, charge: charge)
        } else {
            updated.status = "succeeded"
            updated.paymentMethod = card.paymentMethod
            updated.amountReceived = intent.amount
            updated.lastPaymentError = nil
        }
        let saved = updated
        let changed = try await endpoint.context.store.transaction { transaction -> Bool in
            let rows = try transaction.execute(
                """
                UPDATE stripe_payment_intents SET status = $1, payment_method = $2, latest_charge = $3,
                    last_payment_error = $4, amount_received = $5
                WHERE id = $6 AND status IN ('requires_payment_method', 'requires_confirmation')
                """,
                [
                    .text(saved.status), SQLValue(saved.paymentMethod), .text(charge.id), SQLValue(saved.lastPaymentError),
                    SQLValue(saved.amountReceived), .text(saved.id),
                ])
            guard rows == 1 else { return false }
            try charge.insert(transaction)
            return true
        }
        guard changed else {
            // Another confirm got there first.
            throw unexpectedState(try await StripePaymentIntent.load(intent.id, from: endpoint.context.store))
        }
        if let decline = card.decline {
            endpoint.event("payment_intent.payment_failed", object: saved.json()).send(from: endpoint)
            throw StripeError(
                status: 402, type: "card_error", code: decline.code, message: decline.message, param: nil,
                declineCode: decline.declineCode,
                extra: [
                    ("charge", "\"\(charge.id)\""), ("payment_intent", saved.json()),
                    ("payment_method", charge.paymentMethodJSON),
                ])
        }
        endpoint.event("payment_intent.succeeded", object: saved.json()).send(from: endpoint)
        let expanded = try await saved.expandedCharge(endpoint.form, store: endpoint.context.store)
        return (200, Array(saved.json(charge: expanded).utf8))
    }

    static func unexpectedState(_ intent: StripePaymentIntent) -> StripeError {
        .invalidRequest(
            "You cannot confirm this PaymentIntent because it has a status of \(intent.status). Only a PaymentIntent "
                + "with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method.",
            code: "payment_intent_unexpected_state")
    }

    /// `{charge, code, decline_code, doc_url, message, payment_method, type: "card_error"}`.
    static func lastPaymentError(_ decline: StripeTestCard.Decline, charge: StripeCharge) -> String {
        var json = JSONBuffer(capacity: 512)
        json.openObject()
        json.key("charge")
        json.string(charge.id)
        json.key("code")
        json.string(decline.code)
        json.key("decline_code")
        json.string(decline.declineCode)
        json.key("doc_url")
        json.string("https://stripe.com/docs/error-codes/" + String(decline.code.map { $0 == "_" ? "-" : $0 }))
        json.key("message")
        json.string(decline.message)
        json.key("payment_method")
        json.raw(charge.paymentMethodJSON)
        json.key("type")
        json.string("card_error")
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
