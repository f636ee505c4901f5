import SokoFunctions

/// A refund (always `succeeded` in the sandbox), and its Stripe JSON.
struct StripeRefund: Equatable, Sendable {
    var id: String
    var charge: String
    var paymentIntent: String
    var amount: Int
    var currency: String
    var reason: String?
    var metadataJSON: String
    var status = "succeeded"
    var created: Int

    init(
        id: String, charge: String, paymentIntent: String, amount: Int, currency: String, reason: String?,
        metadataJSON: String, created: Int
    ) {
        self.id = id
        self.charge = charge
        self.paymentIntent = paymentIntent
        self.amount = amount
        self.currency = currency
        self.reason = reason
        self.metadataJSON = metadataJSON
        self.created = created
    }

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        charge = try row.string("charge") ?? ""
        paymentIntent = try row.string("payment_intent") ?? ""
        amount = try row.int("amount") ?? 0
        currency = try row.string("currency") ?? ""
        reason = try row.string("reason")
        metadataJSON = try row.string("metadata") ?? "{}"
        status = try row.string("status") ?? ""
        created = try row.int("created") ?? 0
    }

    static func load(_ id: String, from store: Store) async throws -> StripeRefund {
        let rows = try await store.query(
            "SELECT id, charge, payment_intent, amount, currency, reason, metadata, status, created FROM stripe_refunds WHERE id = $1",
            [.text(id)])
        guard let row = rows.first else { throw StripeError.noSuch("refund", id) }
        return try StripeRefund(row: row)
    }

    func insert(_ transaction: Transaction) throws {
        try transaction.execute(
            """
            INSERT INTO stripe_refunds (id, charge, payment_intent, amount, currency, reason, metadata, status, created)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(id), .text(charge), .text(paymentIntent), SQLValue(amount), .text(currency), SQLValue(reason),
                .text(metadataJSON), .text(status), SQLValue(created),
            ])
    }

    func json() -> String {
        var json = JSONBuffer(capacity: 512)
        json.openObject()
        json.key("id")
        json.string(id)
        json.key("object")
        json.string("refund")
        json.key("amount")
        json.int(amount)
        json.key("balance_transaction")
        json.null()
        json.key("charge")
        json.string(charge)
        json.key("created")
        json.int(created)
        json.key("currency")
        json.string(currency)
        json.key("metadata")
        json.raw(metadataJSON)
        json.key("payment_intent")
        json.string(paymentIntent)
        json.key("reason")
        json.string(reason)
        json.key("status")
        json.string(status)
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
