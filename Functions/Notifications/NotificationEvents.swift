import Contracts

/// The part of an `order.*` event the emails use (other keys are ignored; state and reason are
/// read as text so a new value in Orders never makes an event undeliverable).
struct OrderEvent: Codable, Sendable, Equatable {
    var orderID: String
    var customerID: String
    var status: String?
    var previousStatus: String?
    var currency: String
    var subtotal: Int
    var shipping: Int
    var tax: Int
    var total: Int
    var lines: [Line]
    var reason: String?
    var carrier: String?
    var trackingNumber: String?
    /// On `order.paid`, how it was paid (added by Payments; absent in older events).
    var payment: Payment?

    struct Line: Codable, Sendable, Equatable {
        var productID: String
        var sku: String?
        var name: String
        var unitPrice: Int
        var quantity: Int
        var lineTotal: Int

        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case sku, name, quantity
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
        }
    }

    struct Payment: Codable, Sendable, Equatable {
        /// `mpesa`, `stripe` (card), …
        var method: String
        /// The M-Pesa receipt number (`MpesaReceiptNumber`).
        var receipt: String?
        var cardLast4: String?

        enum CodingKeys: String, CodingKey {
            case method, receipt
            case cardLast4 = "card_last4"
        }
    }

    enum CodingKeys: String, CodingKey {
        case status, currency, subtotal, shipping, tax, total, lines, reason, carrier, payment
        case orderID = "order_id"
        case customerID = "customer_id"
        case previousStatus = "previous_status"
        case trackingNumber = "tracking_number"
    }

    init(
        orderID: String, customerID: String, status: String? = nil, previousStatus: String? = nil, currency: String,
        subtotal: Int, shipping: Int = 0, tax: Int = 0, total: Int, lines: [Line], reason: String? = nil,
        carrier: String? = nil, trackingNumber: String? = nil, payment: Payment? = nil
    ) {
        self.orderID = orderID
        self.customerID = customerID
        self.status = status
        self.previousStatus = previousStatus
        self.currency = currency
        self.subtotal = subtotal
        self.shipping = shipping
        self.tax = tax
        self.total = total
        self.lines = lines
        self.reason = reason
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.payment = payment
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try container.decode(String.self, forKey: .orderID)
        customerID = try container.decode(String.self, forKey: .customerID)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        previousStatus = try container.decodeIfPresent(String.self, forKey: .previousStatus)
        currency = try container.decodeIfPresent(String.self, forKey: .currency) ?? ""
        subtotal = try container.decodeIfPresent(Int.self, forKey: .subtotal) ?? 0
        shipping = try container.decodeIfPresent(Int.self, forKey: .shipping) ?? 0
        tax = try container.decodeIfPresent(Int.self, forKey: .tax) ?? 0
        total = try container.decodeIfPresent(Int.self, forKey: .total) ?? 0
        lines = try container.decodeIfPresent([Line].self, forKey: .lines) ?? []
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        carrier = try container.decodeIfPresent(String.self, forKey: .carrier)
        trackingNumber = try container.decodeIfPresent(String.self, forKey: .trackingNumber)
        payment = try container.decodeIfPresent(Payment.self, forKey: .payment)
    }

    /// A short reference for subjects: the id's first eight characters, upper-cased.
    var reference: String { "#" + String(orderID.prefix(8)).uppercased() }
}
