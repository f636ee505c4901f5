import SokoFunctions

/// A Charge (one attempt to pay a PaymentIntent with a card), and its Stripe JSON.
struct StripeCharge: Equatable, Sendable {
    var id: String
    var paymentIntent: String
    var amount: Int
    var amountRefunded = 0
    var currency: String
    /// `succeeded` or `failed`.
    var status: String
    var card: StripeTestCard
    var metadataJSON: String
    var created: Int

    static let columns =
        "id, payment_intent, amount, amount_refunded, currency, status, payment_method, brand, last4, failure_code, "
        + "failure_message, decline_code, metadata, created"

    init(
        id: String, paymentIntent: String, amount: Int, currency: String, card: StripeTestCard, metadataJSON: String,
        created: Int
    ) {
        self.id = id
        self.paymentIntent = paymentIntent
        self.amount = amount
        self.currency = currency
        self.status = card.decline == nil ? "succeeded" : "failed"
        self.card = card
        self.metadataJSON = metadataJSON
        self.created = created
    }

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        paymentIntent = try row.string("payment_intent") ?? ""
        amount = try row.int("amount") ?? 0
        amountRefunded = try row.int("amount_refunded") ?? 0
        currency = try row.string("currency") ?? ""
        status = try row.string("status") ?? ""
        let decline = try row.string("failure_code").map { code in
            StripeTestCard.Decline(
                code: code, declineCode: try row.string("decline_code") ?? code,
                message: try row.string("failure_message") ?? "")
        }
        card = StripeTestCard(
            paymentMethod: try row.string("payment_method") ?? "", brand: try row.string("brand") ?? "",
            last4: try row.string("last4") ?? "", decline: decline)
        metadataJSON = try row.string("metadata") ?? "{}"
        created = try row.int("created") ?? 0
    }

    static func load(_ id: String, from store: Store, param: String = "id") async throws -> StripeCharge {
        let rows = try await store.query("SELECT \(columns) FROM stripe_charges WHERE id = $1", [.text(id)])
        guard let row = rows.first else { throw StripeError.noSuch("charge", id, param: param) }
        return try StripeCharge(row: row)
    }

    func insert(_ transaction: Transaction) throws {
        try transaction.execute(
            "INSERT INTO stripe_charges (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            [
                .text(id), .text(paymentIntent), SQLValue(amount), SQLValue(amountRefunded), .text(currency),
                .text(status), .text(card.paymentMethod), .text(card.brand), .text(card.last4),
                SQLValue(card.decline?.code), SQLValue(card.decline?.message), SQLValue(card.decline?.declineCode),
                .text(metadataJSON), SQLValue(created),
            ])
    }

    var succeeded: Bool { status == "succeeded" }

    func json() -> String {
        var json = JSONBuffer(capacity: 1024)
        json.openObject()
        json.key("id")
        json.string(id)
        json.key("object")
        json.string("charge")
        json.key("amount")
        json.int(amount)
        json.key("amount_captured")
        json.int(succeeded ? amount : 0)
        json.key("amount_refunded")
        json.int(amountRefunded)
        json.key("balance_transaction")
        json.null()
        json.key("captured")
        json.bool(succeeded)
        json.key("created")
        json.int(created)
        json.key("currency")
        json.string(currency)
        json.key("failure_code")
        json.string(card.decline?.code)
        json.key("failure_message")
        json.string(card.decline?.message)
        json.key("livemode")
        json.bool(false)
        json.key("metadata")
        json.raw(metadataJSON)
        json.key("outcome")
        json.openObject()
        json.key("network_status")
        json.string(succeeded ? "approved_by_network" : "declined_by_network")
        json.key("reason")
        json.string(card.decline?.declineCode)
        json.key("seller_message")
        json.string(succeeded ? "Payment complete." : "The bank did not return any further details with this decline.")
        json.key("type")
        json.string(succeeded ? "authorized" : "issuer_declined")
        json.closeObject()
        json.key("paid")
        json.bool(succeeded)
        json.key("payment_intent")
        json.string(paymentIntent)
        json.key("payment_method")
        json.string(card.paymentMethod)
        json.key("payment_method_details")
        json.openObject()
        json.key("card")
        json.raw(cardJSON)
        json.key("type")
        json.string("card")
        json.closeObject()
        json.key("refunded")
        json.bool(amountRefunded > 0 && amountRefunded == amount)
        json.key("status")
        json.string(status)
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// `{brand, country, exp_month, exp_year, funding, last4}`.
    var cardJSON: String {
        var json = JSONBuffer(capacity: 128)
        json.openObject()
        json.key("brand")
        json.string(card.brand)
        json.key("country")
        json.string("US")
        json.key("exp_month")
        json.int(12)
        json.key("exp_year")
        json.int(2034)
        json.key("funding")
        json.string("credit")
        json.key("last4")
        json.string(card.last4)
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// The PaymentMethod object a card error names.
    var paymentMethodJSON: String {
        var json = JSONBuffer(capacity: 256)
        json.openObject()
        json.key("id")
        json.string(card.paymentMethod)
        json.key("object")
        json.string("payment_method")
        json.key("card")
        json.raw(cardJSON)
        json.key("livemode")
        json.bool(false)
        json.key("type")
        json.string("card")
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
