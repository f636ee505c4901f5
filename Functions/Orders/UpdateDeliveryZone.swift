import SokoFunctions

/// `PATCH /admin/delivery-zones/{id}` with any of `{name, fee, currency, free_above, pickup,
/// cash_on_delivery, active}` → the zone. Placed orders keep the zone's name and fee as they were;
/// `active: false` takes the zone off the checkout. 404 `delivery-zone-not-found`.
enum UpdateDeliveryZone: Function {
    static func run(_ input: DeliveryZoneInput, context: FunctionContext) async throws -> DeliveryZone {
        guard let id = context.pathParameter("id"), DeliveryZone.isID(id) else { throw DeliveryZoneProblem.notFound }
        let now = context.now.timestamp
        return try await context.store.transaction { transaction in
            guard let current = try DeliveryZone.find(id: id, in: transaction) else { throw DeliveryZoneProblem.notFound }
            let zone = try input.applied(to: current, at: now)
            try transaction.execute(
                """
                UPDATE delivery_zones SET name = $2, fee = $3, currency = $4, free_above = $5, pickup = $6,
                    cash_on_delivery = $7, active = $8, updated_at = $9
                WHERE id = $1
                """,
                [
                    .text(zone.id), .text(zone.name), SQLValue(zone.fee), .text(zone.currency),
                    zone.freeAbove.map { SQLValue($0) } ?? .null, SQLValue(zone.pickup), SQLValue(zone.cashOnDelivery),
                    SQLValue(zone.active), .text(now),
                ])
            return zone
        }
    }
}
