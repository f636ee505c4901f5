import SokoFunctions

/// A PaymentIntent as the sandbox keeps it, and its Stripe JSON.
struct StripePaymentIntent: Equatable, Sendable {
    var id: String
    var amount: Int
    var amountReceived = 0
    var currency: String
    var status: String
    var clientSecret: String
    /// JSON object text written by ``JSONCoding`` (never a client's text).
    var metadataJSON: String
    var description: String?
    var paymentMethod: String?
    var latestCharge: String?
    /// The `last_payment_error` object as JSON text written by the sandbox, or nil.
    var lastPaymentError: String?
    var automaticPaymentMethods: Bool
    var created: Int

    static let confirmable: Set<String> = ["requires_payment_method", "requires_confirmation"]

    static let columns =
        "id, amount, amount_received, currency, status, client_secret, metadata, description, payment_method, "
        + "latest_charge, last_payment_error, automatic_payment_methods, created"

    init(
        id: String, amount: Int, currency: String, status: String, clientSecret: String, metadataJSON: String,
        description: String?, paymentMethod: String?, automaticPaymentMethods: Bool, created: Int
    ) {
        self.id = id
        self.amount = amount
        self.currency = currency
        self.status = status
        self.clientSecret = clientSecret
        self.metadataJSON = metadataJSON
        self.description = description
        self.paymentMethod = paymentMethod
        self.automaticPaymentMethods = automaticPaymentMethods
        self.created = created
    }

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        amount = try row.int("amount") ?? 0
        amountReceived = try row.int("amount_received") ?? 0
        currency = try row.string("currency") ?? ""
        status = try row.string("status") ?? ""
        clientSecret = try row.string("client_secret") ?? ""
        metadataJSON = try row.string("metadata") ?? "{}"
        description = try row.string("description")
        paymentMethod = try row.string("payment_method")
        latestCharge = try row.string("latest_charge")
        lastPaymentError = try row.string("last_payment_error")
        automaticPaymentMethods = try row.bool("automatic_payment_methods") ?? false
        created = try row.int("created") ?? 0
    }

    static func load(_ id: String, from store: Store, param: String = "intent") async throws -> StripePaymentIntent {
        let rows = try await store.query("SELECT \(columns) FROM stripe_payment_intents WHERE id = $1", [.text(id)])
        guard let row = rows.first else { throw StripeError.noSuch("payment_intent", id, param: param) }
        return try StripePaymentIntent(row: row)
    }

    /// The Stripe JSON; `charge` is the expanded `latest_charge` when asked for.
    func json(charge: StripeCharge? = nil) -> String {
        var json = JSONBuffer(capacity: 1024)
        json.openObject()
        json.key("id")
        json.string(id)
        json.key("object")
        json.string("payment_intent")
        json.key("amount")
        json.int(amount)
        json.key("amount_capturable")
        json.int(0)
        json.key("amount_received")
        json.int(amountReceived)
        json.key("automatic_payment_methods")
        if automaticPaymentMethods {
            json.openObject()
            json.key("enabled")
            json.bool(true)
            json.closeObject()
        } else {
            json.null()
        }
        json.key("canceled_at")
        json.null()
        json.key("cancellation_reason")
        json.null()
        json.key("capture_method")
        json.string("automatic")
        json.key("client_secret")
        json.string(clientSecret)
        json.key("confirmation_method")
        json.string("automatic")
        json.key("created")
        json.int(created)
        json.key("currency")
        json.string(currency)
        json.key("customer")
        json.null()
        json.key("description")
        json.string(description)
        json.key("last_payment_error")
        if let lastPaymentError { json.raw(lastPaymentError) } else { json.null() }
        json.key("latest_charge")
        if let charge { json.raw(charge.json()) } else { json.string(latestCharge) }
        json.key("livemode")
        json.bool(false)
        json.key("metadata")
        json.raw(metadataJSON)
        json.key("next_action")
        json.null()
        json.key("payment_method")
        json.string(paymentMethod)
        json.key("payment_method_types")
        json.openArray()
        json.string("card")
        json.closeArray()
        json.key("status")
        json.string(status)
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// `expand[]=latest_charge` → the charge to put inline (nil when not asked for or none).
    func expandedCharge(_ form: StripeForm, store: Store) async throws -> StripeCharge? {
        let expand = form.list("expand")
        for field in expand where field != "latest_charge" {
            throw StripeError.invalidRequest(
                "This property cannot be expanded (\(field)).", param: "expand")
        }
        guard expand.contains("latest_charge"), let latestCharge else { return nil }
        return try await StripeCharge.load(latestCharge, from: store)
    }
}
