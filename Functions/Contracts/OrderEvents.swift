import SokoFunctions

/// The `order.*` events Orders writes when an order changes state: `order.<new state>`, all with
/// the payload ``OrderEvent``. Notifications mails the customer about them; Payments refunds a
/// paid order that is cancelled.
public enum OrderEvents {
    /// The order was placed and awaits payment.
    public static let placed = changed(to: "placed")
    /// The order was paid (the payload carries the payment).
    public static let paid = changed(to: "paid")
    /// The order left the warehouse (the payload carries carrier and tracking number).
    public static let shipped = changed(to: "shipped")
    public static let delivered = changed(to: "delivered")
    /// The order was cancelled (the payload carries the reason and the state it left).
    public static let cancelled = changed(to: "cancelled")
    public static let refunded = changed(to: "refunded")

    /// The event for an order that reached `state` (`order.<state>`).
    public static func changed(to state: String) -> EventContract<OrderEvent> { EventContract("order.\(state)") }
}

/// The payload of every `order.*` event: the order's money and lines, plus what the change adds
/// (`reason` on `order.cancelled`, `carrier` and `tracking_number` on `order.shipped`, `payment`
/// on `order.paid`).
///
/// States and the reason are text, and decoding is lenient (a missing amount is 0, missing lines
/// are none), so a new state or field in Orders never makes an event undeliverable to a consumer.
public struct OrderEvent: Codable, Sendable, Equatable {
    public var orderID: String
    public var customerID: String
    /// The state the order is now in (`pending_payment`, `paid`, `cancelled`, …).
    public var status: String?
    /// The state it left.
    public var previousStatus: String?
    public var currency: String
    public var subtotal: Int
    /// A coupon's discount off the subtotal (0 without one).
    public var discount: Int
    /// The coupon the order was placed with, upper-cased.
    public var couponCode: String?
    public var shipping: Int
    public var tax: Int
    public var total: Int
    /// Set when the prices included VAT at this rate (basis points): `tax` is then the VAT
    /// contained in `total` (receipts say "incl. VAT 16%"), not an amount added to it.
    public var vatIncludedRateBasisPoints: Int?
    public var lines: [OrderLine]
    /// Why an order was cancelled (`customer`, `admin`, `expired`, `payment_failed`, `refund`).
    public var reason: String?
    public var carrier: String?
    public var trackingNumber: String?
    /// Whether the order was the customer's cart (which `order.placed` consumers then clear),
    /// rather than lines the request named itself.
    public var fromCart: Bool
    /// How the order was paid (on `order.paid`).
    public var payment: Payment?
    /// The delivery zone's name chosen at checkout (absent in a shop without zones).
    public var deliveryZone: String?
    /// Whether that zone is a pickup station.
    public var deliveryPickup: Bool?
    /// `cash_on_delivery` or `mpesa_on_delivery` for an order paid on delivery; absent when paid online.
    public var paymentMethod: String?

    /// The payment that paid the order: `receipt` is the M-Pesa receipt number, `card_last4` the
    /// card's last four digits (either may be missing).
    public struct Payment: Codable, Sendable, Equatable {
        public var paymentID: String?
        /// `mpesa`, `stripe` (card), …
        public var method: String
        public var amount: Int?
        public var currency: String?
        public var receipt: String?
        public var cardLast4: String?

        public init(
            paymentID: String? = nil, method: String, amount: Int? = nil, currency: String? = nil, receipt: String? = nil,
            cardLast4: String? = nil
        ) {
            self.paymentID = paymentID
            self.method = method
            self.amount = amount
            self.currency = currency
            self.receipt = receipt
            self.cardLast4 = cardLast4
        }

        enum CodingKeys: String, CodingKey {
            case method, amount, currency, receipt
            case paymentID = "payment_id"
            case cardLast4 = "card_last4"
        }
    }

    enum CodingKeys: String, CodingKey {
        case status, currency, subtotal, discount, shipping, tax, total, lines, reason, carrier, payment
        case couponCode = "coupon_code"
        case vatIncludedRateBasisPoints = "vat_rate_bps"
        case fromCart = "from_cart"
        case orderID = "order_id"
        case customerID = "customer_id"
        case previousStatus = "previous_status"
        case trackingNumber = "tracking_number"
        case deliveryZone = "delivery_zone"
        case deliveryPickup = "delivery_pickup"
        case paymentMethod = "payment_method"
    }

    public init(
        orderID: String, customerID: String, status: String? = nil, previousStatus: String? = nil, currency: String,
        subtotal: Int, discount: Int = 0, couponCode: String? = nil, shipping: Int = 0, tax: Int = 0, total: Int,
        vatIncludedRateBasisPoints: Int? = nil, lines: [OrderLine], reason: String? = nil, carrier: String? = nil,
        trackingNumber: String? = nil,
        fromCart: Bool = false, payment: Payment? = nil, deliveryZone: String? = nil, deliveryPickup: Bool? = nil,
        paymentMethod: String? = nil
    ) {
        self.orderID = orderID
        self.customerID = customerID
        self.status = status
        self.previousStatus = previousStatus
        self.currency = currency
        self.subtotal = subtotal
        self.discount = discount
        self.couponCode = couponCode
        self.shipping = shipping
        self.tax = tax
        self.total = total
        self.vatIncludedRateBasisPoints = vatIncludedRateBasisPoints
        self.lines = lines
        self.reason = reason
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.fromCart = fromCart
        self.payment = payment
        self.deliveryZone = deliveryZone
        self.deliveryPickup = deliveryPickup
        self.paymentMethod = paymentMethod
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try container.decode(String.self, forKey: .orderID)
        customerID = try container.decode(String.self, forKey: .customerID)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        previousStatus = try container.decodeIfPresent(String.self, forKey: .previousStatus)
        currency = try container.decodeIfPresent(String.self, forKey: .currency) ?? ""
        subtotal = try container.decodeIfPresent(Int.self, forKey: .subtotal) ?? 0
        discount = try container.decodeIfPresent(Int.self, forKey: .discount) ?? 0
        couponCode = try container.decodeIfPresent(String.self, forKey: .couponCode)
        shipping = try container.decodeIfPresent(Int.self, forKey: .shipping) ?? 0
        tax = try container.decodeIfPresent(Int.self, forKey: .tax) ?? 0
        total = try container.decodeIfPresent(Int.self, forKey: .total) ?? 0
        vatIncludedRateBasisPoints = try container.decodeIfPresent(Int.self, forKey: .vatIncludedRateBasisPoints)
        lines = try container.decodeIfPresent([OrderLine].self, forKey: .lines) ?? []
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        carrier = try container.decodeIfPresent(String.self, forKey: .carrier)
        trackingNumber = try container.decodeIfPresent(String.self, forKey: .trackingNumber)
        fromCart = try container.decodeIfPresent(Bool.self, forKey: .fromCart) ?? false
        payment = try container.decodeIfPresent(Payment.self, forKey: .payment)
        deliveryZone = try container.decodeIfPresent(String.self, forKey: .deliveryZone)
        deliveryPickup = try container.decodeIfPresent(Bool.self, forKey: .deliveryPickup)
        paymentMethod = try container.decodeIfPresent(String.self, forKey: .paymentMethod)
    }
}

/// One order line: a snapshot of the product and its server-side price when the order was placed.
public struct OrderLine: Sendable, Equatable, Codable {
    public var productID: String
    public var sku: String
    public var name: String
    public var unitPrice: Int
    public var quantity: Int
    public var lineTotal: Int
    /// The variant bought (absent for a product without variants), and its options as text — a
    /// snapshot, like `sku` (the variant's) and `unit_price` (its effective price).
    public var variantID: String?
    public var optionText: String?

    public init(
        productID: String, sku: String, name: String, unitPrice: Int, quantity: Int, lineTotal: Int,
        variantID: String? = nil, optionText: String? = nil
    ) {
        self.productID = productID
        self.variantID = variantID
        self.optionText = optionText
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.lineTotal = lineTotal
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case sku, name, quantity
        case unitPrice = "unit_price"
        case lineTotal = "line_total"
        case variantID = "variant_id"
        case optionText = "option_text"
    }
}
