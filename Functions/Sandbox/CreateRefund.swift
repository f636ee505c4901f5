import SokoFunctions

/// `POST /_sandbox/stripe/v1/refunds` (form `payment_intent` or `charge`, optional `amount` up to
/// what is left, `reason`, `metadata[…]`) → a `succeeded` refund; the charge's `amount_refunded`
/// and `refunded` follow, and `charge.refunded` is posted.
enum CreateRefund {
    static let reasons: Set<String> = ["duplicate", "fraudulent", "requested_by_customer"]

    static func run(_ endpoint: StripeEndpoint) async throws -> (Int, [UInt8]) {
        let form = endpoint.form
        let store = endpoint.context.store
        try form.check(
            names: ["payment_intent", "charge", "amount", "reason", "instructions_email"], families: ["metadata", "expand"])
        let charge = try await refundableCharge(form, store: store)
        let amount = try form.integer("amount") ?? (charge.amount - charge.amountRefunded)
        guard amount >= 1 else {
            throw StripeError.invalidRequest(
                "This value must be greater than or equal to 1.", code: "parameter_invalid_integer", param: "amount")
        }
        if let reason = form["reason"], !reasons.contains(reason) {
            throw StripeError.invalidRequest(
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                code: "parameter_invalid_string", param: "reason")
        }
        let refund = StripeRefund(
            id: SandboxIdentifiers.stripe("re"), charge: charge.id, paymentIntent: charge.paymentIntent, amount: amount,
            currency: charge.currency, reason: form["reason"],
            metadataJSON: String(decoding: try JSONCoding.encode(try form.metadata()), as: UTF8.self),
            created: endpoint.context.now.unixSeconds)
        let refunded = try await store.transaction { transaction -> Bool in
            // One statement checks and takes the amount, so two refunds at once cannot both pass.
            let rows = try transaction.execute(
                """
                UPDATE stripe_charges SET amount_refunded = amount_refunded + $1
                WHERE id = $2 AND status = 'succeeded' AND amount_refunded + $1 <= amount
                """,
                [SQLValue(amount), .text(charge.id)])
            guard rows == 1 else { return false }
            try refund.insert(transaction)
            return true
        }
        let after = try await StripeCharge.load(charge.id, from: store)
        guard refunded else { throw tooLarge(amount: amount, charge: after) }
        var previous = JSONBuffer(capacity: 64)
        previous.openObject()
        previous.key("amount_refunded")
        previous.int(charge.amountRefunded)
        previous.key("refunded")
        previous.bool(false)
        previous.closeObject()
        endpoint.event(
            "charge.refunded", object: after.json(), previousAttributes: String(decoding: previous.bytes, as: UTF8.self)
        )
        .send(from: endpoint)
        return (200, Array(refund.json().utf8))
    }

    /// The charge named by `charge`, or the successful latest charge of `payment_intent`.
    static func refundableCharge(_ form: StripeForm, store: Store) async throws -> StripeCharge {
        let charge: StripeCharge
        if let id = form["charge"] {
            charge = try await StripeCharge.load(id, from: store, param: "charge")
        } else if let id = form["payment_intent"] {
            let intent = try await StripePaymentIntent.load(id, from: store, param: "payment_intent")
            guard intent.status == "succeeded", let latest = intent.latestCharge else {
                throw StripeError.invalidRequest(
                    "This PaymentIntent (\(id)) does not have a successful charge to refund.",
                    code: "charge_not_refundable", param: "payment_intent")
            }
            charge = try await StripeCharge.load(latest, from: store)
        } else {
            throw StripeError.invalidRequest(
                "One of the following params should be provided for this request: payment_intent or charge.",
                code: "parameter_missing")
        }
        guard charge.succeeded else {
            throw StripeError.invalidRequest(
                "Charge \(charge.id) has no successful payment to refund.", code: "charge_not_refundable", param: "charge")
        }
        guard charge.amountRefunded < charge.amount else {
            throw StripeError.invalidRequest(
                "Charge \(charge.id) has already been refunded.", code: "charge_already_refunded")
        }
        return charge
    }

    static func tooLarge(amount: Int, charge: StripeCharge) -> StripeError {
        if charge.amountRefunded >= charge.amount {
            return .invalidRequest("Charge \(charge.id) has already been refunded.", code: "charge_already_refunded")
        }
        let currency = charge.currency.uppercased()
        return .invalidRequest(
            "Refund amount (\(currency) \(amount)) is greater than unrefunded amount on charge "
                + "(\(currency) \(charge.amount - charge.amountRefunded)), in minor units.",
            code: "amount_too_large", param: "amount")
    }
}
