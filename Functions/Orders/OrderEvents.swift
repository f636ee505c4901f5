import SokoFunctions

/// The payload of every `order.*` event: the order's money and lines, plus what the change adds
/// (`reason` on `order.cancelled`, `carrier` and `tracking_number` on `order.shipped`, `payment`
/// on `order.paid`).
public struct OrderEventPayload: Codable, Sendable, Equatable {
    public var orderID: String
    public var customerID: String
    public var status: OrderStatus
    public var previousStatus: OrderStatus?
    public var currency: String
    public var subtotal: Int
    public var shipping: Int
    public var tax: Int
    public var total: Int
    public var lines: [OrderLine]
    public var reason: CancelReason?
    public var carrier: String?
    public var trackingNumber: String?
    /// Whether the order was the customer's cart (which `order.placed` consumers then clear),
    /// rather than lines the request named itself.
    public var fromCart: Bool
    /// How the order was paid (on `order.paid`): the receipt email shows it.
    public var payment: OrderPayment?

    enum CodingKeys: String, CodingKey {
        case status, currency, subtotal, shipping, tax, total, lines, reason, carrier, payment
        case fromCart = "from_cart"
        case orderID = "order_id"
        case customerID = "customer_id"
        case previousStatus = "previous_status"
        case trackingNumber = "tracking_number"
    }

    init(order: Order, previousStatus: OrderStatus?, reason: CancelReason?, payment: OrderPayment? = nil) {
        orderID = order.id
        customerID = order.customerID
        status = order.status
        self.previousStatus = previousStatus
        currency = order.currency ?? ""
        subtotal = order.totals.subtotal
        shipping = order.totals.shipping
        tax = order.totals.tax
        total = order.totals.total
        lines = order.lines
        fromCart = order.isFromCart
        self.reason = reason
        self.payment = payment
        if order.status == .shipped {
            carrier = order.carrier
            trackingNumber = order.trackingNumber
        }
    }
}

extension Transaction {
    /// Records `from → to` in the order's audit trail.
    func recordTransition(orderID: String, from: OrderStatus, to: OrderStatus, actor: String, reason: String?, at: String)
        throws
    {
        try execute(
            "INSERT INTO order_transitions (order_id, from_status, to_status, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)",
            [.text(orderID), .text(from.rawValue), .text(to.rawValue), .text(at), .text(actor), SQLValue(reason)])
    }

    /// Emits `order.<event>` for `order` (already in its new state) into the outbox.
    func emitOrderEvent(
        _ event: String, order: Order, previousStatus: OrderStatus?, reason: CancelReason? = nil,
        payment: OrderPayment? = nil
    ) throws {
        try emit(
            "order.\(event)", OrderEventPayload(order: order, previousStatus: previousStatus, reason: reason, payment: payment))
    }
}

/// The payment that paid an order, as `order.paid` carries it: `receipt` is the M-Pesa receipt
/// number, `card_last4` the card's last four digits (either may be missing).
public struct OrderPayment: Codable, Sendable, Equatable {
    public var paymentID: String
    public var method: String
    public var amount: Int
    public var currency: String
    public var receipt: String?
    public var cardLast4: String?

    public init(
        paymentID: String, method: String, amount: Int, currency: String, receipt: String? = nil, cardLast4: String? = nil
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
