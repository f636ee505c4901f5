import Glibc
import SokoFunctions

/// The Orders bundle: placing orders (idempotent, priced server-side, stock reserved), the order
/// state machine, customers' and admins' order lists, and the expiry of unpaid orders.
public enum OrdersBundle: FunctionBundle {
    public static let service = "orders"

    public static let migrations = OrdersSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: OrdersSettings
        do {
            settings = try OrdersSettings(environment: registry.environment)
        } catch {
            // A setting the bundle cannot run with stops the host at start, naming the variable,
            // rather than mispricing orders later.
            registry.refuse("\(error)")
            return
        }
        registry.raw("placeOrder") { request, context in
            try await PlaceOrder.run(request, context: context, settings: settings)
        }
        registry.typed("listOrders") { (_: NoInput, context) in try await ListOrders.run(context: context) }
        registry.typed("getOrder") { (_: NoInput, context) in try await GetOrder.run(context: context) }
        registry.typed("cancelOrder") { (_: NoInput, context) in try await CancelOrder.run(context: context) }
        registry.typed("shipOrder") { (input: ShipOrderInput, context) in try await ShipOrder.run(input, context: context) }
        registry.typed("deliverOrder") { (_: NoInput, context) in try await DeliverOrder.run(context: context) }
        registry.typed("adminListOrders") { (_: NoInput, context) in try await AdminListOrders.run(context: context) }
        registry.typed("paymentDetails") { (input: PaymentDetails.Input, context) in
            try await PaymentDetails.run(input, context: context)
        }
        registry.event("markPaid") { (event: Event<MarkPaid.PaymentSucceeded>, context) in
            try await MarkPaid.run(event, context: context)
        }
        registry.event("markRefunded") { (event: Event<MarkRefunded.PaymentRefunded>, context) in
            try await MarkRefunded.run(event, context: context)
        }
        registry.raw("expireOrders") { _, context in
            try await ExpireOrders.run(now: Int(time(nil)), context: context, settings: settings)
            return .noContent
        }
    }
}
