import SokoFunctions

/// The delivery zones a list answers with.
struct DeliveryZoneList: Encodable, Sendable {
    var items: [DeliveryZone]
}

/// `GET /admin/delivery-zones` (admin) → `{items}`: every zone, active or not, deliveries cheapest first, then pickup stations.
enum AdminListDeliveryZones: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> DeliveryZoneList {
        DeliveryZoneList(items: try await DeliveryZone.list(activeOnly: false, in: context.store))
    }
}
