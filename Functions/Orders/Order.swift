import Contracts
import SokoFunctions

/// An order as stored, with its lines. Encoded, it is the public order document:
/// `{id, customer_id, status, currency, subtotal, discount, coupon_code, shipping, tax, total,
/// prices_include_vat, vat_rate_bps, lines, shipping_address, delivery, payment_method, carrier,
/// tracking_number, created_at, updated_at}` (absent values as `null`).
public struct Order: Sendable, Equatable, Encodable {
    public var id: String
    public var customerID: String
    public var status: OrderStatus
    /// Nil only while the order is `placing` and not yet priced.
    public var currency: String?
    public var totals: OrderTotals
    /// The coupon the order was placed with (normalised), or nil.
    public var couponCode: String?
    public var lines: [OrderLine]
    public var shippingAddress: ShippingAddress
    public var carrier: String?
    public var trackingNumber: String?
    public var createdAt: String
    public var updatedAt: String
    public var placedAt: String?
    public var paidAt: String?
    /// The delivery zone chosen at checkout, or nil (a shop without zones).
    public var delivery: OrderDelivery?
    /// Online, or on delivery (cash or M-Pesa to the rider; the order is then `confirmed` until collected).
    public var paymentMethod: PaymentMethod = .online
    /// A guest order's contact (nil for a customer's order): see GuestPlaceOrder.
    public var guestEmail: String?
    public var guestPhone: String?
    var idempotencyKey: String
    /// Canonical JSON of the request that created the order.
    var request: String

    /// Whether the order was placed from the cart (its request named no items).
    var isFromCart: Bool {
        (try? JSONCoding.decode(PlaceOrder.Fingerprint.self, from: Array(request.utf8)))?.items == nil
    }
    /// The problem a rejected order answers with.
    var failure: StoredProblem?
    var pricedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, status, currency, subtotal, discount, shipping, tax, total, lines, carrier, delivery
        case paymentMethod = "payment_method"
        case customerID = "customer_id"
        case couponCode = "coupon_code"
        case pricesIncludeVAT = "prices_include_vat"
        case vatRateBasisPoints = "vat_rate_bps"
        case shippingAddress = "shipping_address"
        case trackingNumber = "tracking_number"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case guestEmail = "guest_email"
        case guestPhone = "guest_phone"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerID, forKey: .customerID)
        try container.encode(status, forKey: .status)
        try container.encode(currency, forKey: .currency)
        try container.encode(totals.subtotal, forKey: .subtotal)
        try container.encode(totals.discount, forKey: .discount)
        try container.encode(couponCode, forKey: .couponCode)
        try container.encode(totals.shipping, forKey: .shipping)
        try container.encode(totals.tax, forKey: .tax)
        try container.encode(totals.total, forKey: .total)
        try container.encode(totals.vatIncludedRateBasisPoints != nil, forKey: .pricesIncludeVAT)
        try container.encode(totals.vatIncludedRateBasisPoints, forKey: .vatRateBasisPoints)
        try container.encode(lines, forKey: .lines)
        try container.encode(shippingAddress, forKey: .shippingAddress)
        try container.encode(delivery, forKey: .delivery)
        try container.encode(paymentMethod, forKey: .paymentMethod)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        // Only a guest order has these keys.
        if let guestEmail {
            try container.encode(guestEmail, forKey: .guestEmail)
            try container.encode(guestPhone, forKey: .guestPhone)
        }
    }

    /// The columns ``init(row:lines:)`` reads.
    static let columns = """
        id, customer_id, idempotency_key, request, status, currency, subtotal, discount, coupon_code, shipping, tax, total,
        vat_rate_bps, shipping_address, carrier, tracking_number, failure, created_at, updated_at, priced_at, placed_at, paid_at,
        delivery_zone_id, delivery_zone_name, delivery_pickup, payment_method, guest_email, guest_phone
        """

    init(row: Row, lines: [OrderLine]) throws {
        id = try row.string("id") ?? ""
        customerID = try row.string("customer_id") ?? ""
        idempotencyKey = try row.string("idempotency_key") ?? ""
        request = try row.string("request") ?? ""
        let statusText = try row.string("status") ?? ""
        guard let status = OrderStatus(rawValue: statusText) else {
            throw StoreError.type(column: "status", expected: "an order status, not \"\(statusText)\"")
        }
        self.status = status
        currency = try row.string("currency")
        totals = OrderTotals(
            subtotal: try row.int("subtotal") ?? 0, discount: try row.int("discount") ?? 0,
            shipping: try row.int("shipping") ?? 0, tax: try row.int("tax") ?? 0,
            total: try row.int("total") ?? 0, vatIncludedRateBasisPoints: try row.int("vat_rate_bps"))
        couponCode = try row.string("coupon_code")
        shippingAddress = try JSONCoding.decode(
            ShippingAddress.self, from: Array((try row.string("shipping_address") ?? "{}").utf8))
        carrier = try row.string("carrier")
        trackingNumber = try row.string("tracking_number")
        failure = try row.string("failure").map { try JSONCoding.decode(StoredProblem.self, from: Array($0.utf8)) }
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
        pricedAt = try row.string("priced_at")
        placedAt = try row.string("placed_at")
        paidAt = try row.string("paid_at")
        delivery = try Self.delivery(row: row, fee: totals.shipping)
        paymentMethod = try Self.paymentMethod(row: row)
        guestEmail = try row.string("guest_email")
        guestPhone = try row.string("guest_phone")
        self.lines = lines
    }
}

/// The problem a rejected order was refused with, stored so every repeat of its key answers the
/// same status, code and errors.
struct StoredProblem: Codable, Sendable, Equatable {
    var status: Int
    var code: String
    var detail: String
    var errors: [FieldError]?

    init(status: Int, code: String, detail: String, errors: [FieldError]? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
    }

    init(_ problem: Problem) {
        self.init(status: problem.status, code: problem.code, detail: problem.detail, errors: problem.errors)
    }

    var json: String { String(decoding: (try? JSONCoding.encode(self)) ?? [], as: UTF8.self) }

    func error(headers: HTTPHeaders = HTTPHeaders()) -> FunctionError {
        FunctionError(status: status, code: code, detail: detail, errors: errors, headers: headers)
    }
}
