import SokoFunctions

/// The Orders bundle: placing orders (idempotent, priced server-side, stock reserved), the order
/// state machine, customers' and admins' order lists, the expiry of unpaid orders, coupons,
/// delivery zones, pay on delivery and the order timeline.
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
        registry.add(PlaceOrder(settings: settings))
        registry.add(ListOrders.self)
        registry.add(GetOrder.self)
        registry.add(CancelOrder.self)
        registry.add(ShipOrder.self)
        registry.add(DeliverOrder.self)
        registry.add(AdminListOrders.self)
        registry.add(AdminGetOrder.self)
        registry.add(PaymentDetails.self)
        registry.add(MarkPaid.self)
        registry.add(MarkRefunded.self)
        registry.add(ExpireOrders(settings: settings))
        registry.add(CreateCoupon.self)
        registry.add(ListCoupons.self)
        registry.add(UpdateCoupon.self)
        registry.add(ValidateCoupon(settings: settings))
        registry.add(CreateDeliveryZone.self)
        registry.add(AdminListDeliveryZones.self)
        registry.add(UpdateDeliveryZone.self)
        registry.add(ListDeliveryZones.self)
        registry.add(CollectPayment.self)
        registry.add(GetOrderTimeline.self)
        registry.add(AdminGetOrderTimeline.self)
        registry.add(GuestPlaceOrder(settings: settings))
        registry.add(GetGuestOrder.self)
        registry.add(OpenGuestOrder.self)
        registry.add(CancelGuestOrder.self)
        registry.add(GuestOrderAccessGrant.self)
        registry.add(GuestContactLookup.self)
        registry.add(ClaimGuestOrders.self)
        registry.add(ClaimOrder.self)
    }
}
