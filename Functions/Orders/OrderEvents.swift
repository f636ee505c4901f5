import SokoFunctions

/// The payload of every `order.*` event: the order's money and lines, plus what the change adds
/// (`reason` on `order.cancelled`, `carrier` and `tracking_number` on `order.shipped`).
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

    enum CodingKeys: String, CodingKey {
        case status, currency, subtotal, shipping, tax, total, lines, reason, carrier
        case fromCart = "from_cart"
        case orderID = "order_id"
        case customerID = "customer_id"
        case previousStatus = "previous_status"
        case trackingNumber = "tracking_number"
    }

    init(order: Order, previousStatus: OrderStatus?, reason: CancelReason?) {
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
    func emitOrderEvent(_ event: String, order: Order, previousStatus: OrderStatus?, reason: CancelReason? = nil) throws {
        try emit("order.\(event)", OrderEventPayload(order: order, previousStatus: previousStatus, reason: reason))
    }
}
