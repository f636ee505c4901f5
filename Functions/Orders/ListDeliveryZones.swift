import SokoFunctions

/// `GET /delivery-zones` (public) → `{items}`: the active zones a checkout offers, deliveries cheapest first, then pickup stations.
/// Empty when the shop has none, and then orders are placed without one (the flat shipping of
/// `SOKO_SHIPPING_FLAT`).
enum ListDeliveryZones: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> DeliveryZoneList {
        DeliveryZoneList(items: try await DeliveryZone.list(activeOnly: true, in: context.store))
    }
}
