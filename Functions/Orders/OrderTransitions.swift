import Contracts
import SokoFunctions

/// Moves orders between public states: one transaction per change, guarded by the transition
/// table and by a conditional update, recorded in `order_transitions`, announced as
/// `order.<new state>` through the outbox.
///
/// Payments marks orders paid (or cancels them with `payment_failed`) through these functions,
/// called inside the Orders service — by a consumer of the payment events, or an internal
/// function — since bundles do not import each other or read each other's stores. A cancelled
/// order is marked `release_due`: the caller releases its stock (``ExpireOrders`` retries).
public enum OrderTransitions {
    /// The carrier details an order gets when it ships.
    public struct Shipment: Sendable, Equatable {
        public var carrier: String
        public var trackingNumber: String

        public init(carrier: String, trackingNumber: String) {
            self.carrier = carrier
            self.trackingNumber = trackingNumber
        }
    }

    /// Changes the order's state to `to` as of `now` and returns the order as committed.
    ///
    /// - Parameters:
    ///   - actor: who did it, for the audit trail (`customer:<id>`, `admin:<id>`, `system:expiry`, …).
    ///   - reason: why an order is cancelled (required meaning for `cancelled`; ignored otherwise).
    ///   - shipment: carrier and tracking number, for `shipped`.
    ///   - ownedBy: when given, an order of another customer is treated as missing.
    ///   - payment: the payment that paid the order (`paid`), carried by `order.paid`.
    /// - Throws: 404 `order-not-found` (missing, not the owner's, or internal); 409
    ///   ``IllegalTransition`` when the table refuses the move or another change won the race.
    /// Stock is not touched here: after cancelling, release it (the order is marked `release_due`).
    @discardableResult
    public static func apply(
        orderID: String, to target: OrderStatus, actor: String, reason: CancelReason? = nil, shipment: Shipment? = nil,
        ownedBy customerID: String? = nil, payment: OrderEvent.Payment? = nil, at now: WallTime, store: Store
    ) async throws -> Order {
        try await store.transaction { transaction in
            try apply(
                orderID: orderID, to: target, actor: actor, reason: reason, shipment: shipment, ownedBy: customerID,
                payment: payment, at: now, in: transaction)
        }
    }

    /// As ``apply(orderID:to:actor:reason:shipment:ownedBy:payment:at:store:)``, inside a transaction of the
    /// Orders store that the caller holds — for an event consumer that records the event as
    /// processed (``FunctionContext/once(_:_:)``) in the same transaction as the change.
    @discardableResult
    public static func apply(
        orderID: String, to target: OrderStatus, actor: String, reason: CancelReason? = nil, shipment: Shipment? = nil,
        ownedBy customerID: String? = nil, payment: OrderEvent.Payment? = nil, at time: WallTime,
        in transaction: Transaction
    ) throws -> Order {
        guard var order = try OrderRepository.find(id: orderID, in: transaction), order.status.isPublic,
            customerID == nil || order.customerID == customerID
        else { throw OrdersProblem.orderNotFound }
        let from = order.status
        try OrderStateMachine.check(from: from, to: target, wasPaid: order.paidAt != nil)
        let now = time.timestamp
        var assignments = ["status = $3", "updated_at = $4"]
        var parameters: [SQLValue] = [.text(orderID), .text(from.rawValue), .text(target.rawValue), .text(now)]
        switch target {
        case .paid:
            assignments.append("paid_at = $4")
            order.paidAt = now
        case .shipped:
            guard let shipment else { throw FunctionError.validation([FieldError(field: "carrier", message: "is required")]) }
            assignments += ["carrier = $5", "tracking_number = $6"]
            parameters += [.text(shipment.carrier), .text(shipment.trackingNumber)]
            order.carrier = shipment.carrier
            order.trackingNumber = shipment.trackingNumber
        case .cancelled:
            assignments.append("release_due = 1")
        default:
            break
        }
        let changed = try transaction.execute(
            "UPDATE orders SET \(assignments.joined(separator: ", ")) WHERE id = $1 AND status = $2", parameters)
        guard changed == 1 else {
            // Another change committed first (PostgreSQL re-checks the condition after waiting).
            let current = try OrderRepository.find(id: orderID, in: transaction)?.status ?? from
            throw IllegalTransition(from: current, to: target, reason: "the order changed meanwhile")
        }
        if target == .cancelled && (from == .pendingPayment || from == .confirmed) {
            // An unpaid order cancelled (by its customer, an admin or expiry) gives its coupon use
            // back; one cancelled after payment keeps it (it was spent, even if refunded).
            try CouponRedemption.giveBack(orderID: orderID, in: transaction)
        }
        order.status = target
        order.updatedAt = now
        let cancelReason = target == .cancelled ? (reason ?? .admin) : nil
        try transaction.recordTransition(
            orderID: orderID, from: from, to: target, actor: actor, reason: cancelReason?.rawValue, at: now)
        try transaction.emitOrderEvent(
            OrderEvents.changed(to: target.rawValue), order: order, previousStatus: from, reason: cancelReason,
            payment: target == .paid ? payment : nil)
        return order
    }
}

/// The Orders service's own problems.
enum OrdersProblem {
    static let orderNotFound = FunctionError.notFound("no such order", code: "order-not-found")
}
