import SokoFunctions

/// Where an order is in its life.
///
/// `placing` and `rejected` are internal: an order is `placing` while `placeOrder` prices and
/// reserves it, and `rejected` when that was refused (kept so a repeat of the Idempotency-Key
/// answers the same problem). Neither ever shows in a list or a public lookup.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case placing
    case rejected
    case pendingPayment = "pending_payment"
    /// Placed to be paid on delivery (cash or M-Pesa to the rider): no online payment is awaited
    /// and the expiry schedule leaves it alone; its stock is committed. The merchant's collection
    /// (`POST /admin/orders/{id}/collect`) makes it `paid`.
    case confirmed
    case paid
    case shipped
    case delivered
    case cancelled
    case refunded

    /// Whether customers and admins can see an order in this state.
    public var isPublic: Bool { self != .placing && self != .rejected }

    /// The states an order can be listed or filtered by.
    public static let publicCases = allCases.filter(\.isPublic)
}

/// The legal moves between public order states; every other move is refused with 409.
///
/// ```
/// pending_payment → paid → shipped → delivered
/// pending_payment → cancelled
/// confirmed → paid                 (pay on delivery: the merchant collected the money)
/// confirmed → cancelled
/// paid → cancelled → refunded      (refunded only if the order had been paid)
/// ```
/// `placing → pending_payment` and `placing → rejected` belong to `placeOrder` and the expiry
/// schedule, not to this table.
public enum OrderStateMachine {
    public static let transitions: [OrderStatus: Set<OrderStatus>] = [
        .pendingPayment: [.paid, .cancelled],
        .confirmed: [.paid, .cancelled],
        .paid: [.shipped, .cancelled],
        .shipped: [.delivered],
        .cancelled: [.refunded],
    ]

    /// Whether `from → to` is in the table (ignoring the paid-before-refund rule).
    public static func allows(_ from: OrderStatus, _ to: OrderStatus) -> Bool {
        transitions[from]?.contains(to) ?? false
    }

    /// Throws ``IllegalTransition`` unless `from → to` is legal for an order that was paid
    /// (`wasPaid`) or not.
    public static func check(from: OrderStatus, to: OrderStatus, wasPaid: Bool) throws(IllegalTransition) {
        guard allows(from, to) else { throw IllegalTransition(from: from, to: to, reason: nil) }
        if to == .refunded && !wasPaid {
            throw IllegalTransition(from: from, to: to, reason: "the order was never paid")
        }
    }
}

/// A refused state change: 409 `illegal-transition`, naming both states.
public struct IllegalTransition: ProblemConvertible, Equatable {
    public var from: OrderStatus
    public var to: OrderStatus
    public var reason: String?

    public var problem: Problem {
        let detail = "an order cannot go from \(from.rawValue) to \(to.rawValue)" + (reason.map { ": \($0)" } ?? "")
        return Problem(
            status: 409, code: "illegal-transition", detail: detail,
            errors: [FieldError(field: "status", message: "is \(from.rawValue); cannot become \(to.rawValue)")])
    }
}

/// Why an order was cancelled (carried by `order.cancelled`).
public enum CancelReason: String, Sendable, Codable {
    case customer
    case admin
    case expired
    case paymentFailed = "payment_failed"
    /// The payment was refunded in full while the order was paid (`paid → cancelled → refunded`).
    case refund
}
