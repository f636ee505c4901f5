import SokoFunctions

/// The `expireOrders` schedule (every minute, one replica per tick):
///
/// 1. `pending_payment` orders placed more than the order TTL ago are cancelled (reason
///    `expired`, `order.cancelled`);
/// 2. `placing` orders older than ``OrdersSettings/placingTimeout`` — their request died between
///    reserving and confirming — are rejected;
/// 3. every order still marked `release_due` (those two, and cancellations whose release failed)
///    has its stock released through `catalog.releaseStock`;
/// 4. guest orders' access tokens past their expiry are deleted.
public struct ExpireOrders: DependentFunction {
    let settings: OrdersSettings

    /// What one run did.
    public struct Report: Sendable, Equatable {
        public var cancelled: [String] = []
        public var rejected: [String] = []
        public var released: [String] = []
        /// Releases that failed (retried on the next run).
        public var releaseFailures: [String] = []
    }

    /// Orders handled per step and run; the next run picks up the rest.
    static let batch = 200

    /// The schedule's run, as of `context.now`.
    public func run(_: NoInput, context: FunctionContext) async throws {
        try await Self.run(now: context.now.unixSeconds, context: context, settings: settings)
    }

    /// Runs the schedule's work as of `now` (Unix seconds), with `context`'s store and invoker.
    @discardableResult
    public static func run(now: Int, context: FunctionContext, settings: OrdersSettings = .defaults) async throws -> Report {
        var report = Report()
        let store = context.store
        let time = WallTime(unixSeconds: now)
        let unpaidBefore = Timestamp.format(seconds: now - settings.orderTTL)
        let unpaid = try await store.query(
            "SELECT id FROM orders WHERE status = $1 AND placed_at < $2 ORDER BY placed_at LIMIT $3",
            [.text(OrderStatus.pendingPayment.rawValue), .text(unpaidBefore), SQLValue(batch)])
        for row in unpaid {
            guard let id = try row.string("id") else { continue }
            do {
                try await OrderTransitions.apply(
                    orderID: id, to: .cancelled, actor: "system:expiry", reason: .expired, at: time, store: store)
                report.cancelled.append(id)
            } catch is IllegalTransition {
                // Paid (or cancelled) meanwhile: nothing to expire.
            }
        }

        let stuckBefore = Timestamp.format(seconds: now - settings.placingTimeout)
        let stuck = try await store.query(
            "SELECT id FROM orders WHERE status = $1 AND created_at < $2 ORDER BY created_at LIMIT $3",
            [.text(OrderStatus.placing.rawValue), .text(stuckBefore), SQLValue(batch)])
        let abandoned = StoredProblem(
            status: 409, code: "order-incomplete",
            detail: "placing the order did not complete and nothing was reserved; place it again with a new Idempotency-Key")
        for row in stuck {
            guard let id = try row.string("id") else { continue }
            let order = try await OrderRejection.reject(
                orderID: id, problem: abandoned, onlyUnpriced: false, releaseDue: true, actor: "system:expiry",
                at: time.timestamp, store: store)
            if order.status == .rejected { report.rejected.append(id) }
        }

        let due = try await store.query(
            "SELECT id FROM orders WHERE release_due = 1 ORDER BY updated_at LIMIT $1", [SQLValue(batch)])
        for row in due {
            guard let id = try row.string("id") else { continue }
            if await Stock.release(orderID: id, context: context) {
                report.released.append(id)
            } else {
                report.releaseFailures.append(id)
            }
        }
        if report != Report() {
            context.logger.info(
                "orders expired",
                metadata: [
                    "cancelled": "\(report.cancelled.count)", "rejected": "\(report.rejected.count)",
                    "released": "\(report.released.count)", "release_failures": "\(report.releaseFailures.count)",
                ])
        }
        try await GuestAccessTokens.deleteExpired(at: WallTime(unixSeconds: now), store: store)
        return report
    }
}
