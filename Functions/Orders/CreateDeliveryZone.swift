import SokoFunctions

/// `POST /admin/delivery-zones` `{id?, name, fee, currency, free_above?, pickup?, cash_on_delivery?,
/// active?}` → 201 with the zone. `id` (lower-case letters, digits, dashes) is generated when left
/// out; 409 `delivery-zone-exists` when it is taken, 422 naming each bad field.
enum CreateDeliveryZone: Function {
    static func run(_ input: DeliveryZoneInput, context: FunctionContext) async throws -> Reply<DeliveryZone> {
        let zone = try input.created(at: context.now.timestamp)
        do {
            try await context.store.execute(
                """
                INSERT INTO delivery_zones (id, name, fee, currency, free_above, pickup, cash_on_delivery, active,
                    created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                """,
                [
                    .text(zone.id), .text(zone.name), SQLValue(zone.fee), .text(zone.currency),
                    zone.freeAbove.map { SQLValue($0) } ?? .null, SQLValue(zone.pickup), SQLValue(zone.cashOnDelivery),
                    SQLValue(zone.active), .text(zone.createdAt),
                ])
        } catch StoreError.uniqueViolation {
            throw FunctionError(
                status: 409, code: "delivery-zone-exists", detail: "a delivery zone with the id \(zone.id) exists")
        }
        return .created(zone, location: "/admin/delivery-zones/\(zone.id)")
    }
}
