import SokoFunctions

/// Who may see and change which orders: a customer their own, an admin every one. Someone
/// else's order answers 404, exactly like a missing one, so ids cannot be probed.
struct OrderAccess {
    let subject: String
    let isAdmin: Bool

    init(_ context: FunctionContext) throws {
        guard let identity = context.identity else { throw FunctionError.unauthorized("sign in to see orders") }
        subject = identity.subject
        isAdmin = identity.roles.contains("admin")
    }

    /// The customer whose orders this caller is limited to (nil for an admin).
    var owner: String? { isAdmin ? nil : subject }

    /// How the audit trail names this caller.
    var actor: String { isAdmin ? "admin:\(subject)" : "customer:\(subject)" }

    /// The order `id`, if the caller may see it; 404 otherwise.
    func order(_ id: String?, in store: Store) async throws -> Order {
        guard let id, OrderRepository.isOrderID(id), let order = try await OrderRepository.find(id: id, in: store),
            order.status.isPublic, owner == nil || order.customerID == owner
        else { throw OrdersProblem.orderNotFound }
        return order
    }
}
