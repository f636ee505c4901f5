import SokoFunctions

/// `POST /guest/orders/{id}/cancel` with `X-Order-Access: <token>` → the cancelled order, while it
/// is unpaid (`pending_payment`); 409 `order-not-cancellable` after that (a paid order's refund is
/// the shop's decision, not a bearer link's). 404 as ``GuestAccess``. The stock goes back as for
/// ``CancelOrder``.
enum CancelGuestOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        let order = try await GuestAccess.order(context)
        let cancelled = try await context.store.transaction { transaction in
            // Checked and changed in one transaction, and the change is conditional on the state
            // read, so a payment landing meanwhile cannot be cancelled by this request.
            guard let current = try OrderRepository.find(id: order.id, in: transaction) else {
                throw OrdersProblem.orderNotFound
            }
            guard current.status == .pendingPayment else {
                throw FunctionError.conflict(
                    "only an unpaid order can be cancelled with its access link; this one is \(current.status.rawValue)",
                    code: "order-not-cancellable")
            }
            return try OrderTransitions.apply(
                orderID: order.id, to: .cancelled, actor: "customer:\(order.customerID)", reason: .customer,
                ownedBy: order.customerID, at: context.now, in: transaction)
        }
        await Stock.release(orderID: order.id, context: context)
        return cancelled
    }
}
