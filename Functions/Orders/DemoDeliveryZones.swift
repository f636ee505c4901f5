import SokoFunctions

/// The demo shop's delivery zones (KES minor units), loaded by `soko seed` with the demo catalog
/// when the Orders store has no zone yet: how a Nairobi shop typically delivers.
public enum DemoDeliveryZones {
    static let zones: [(id: String, name: String, fee: Int, freeAbove: Int?, pickup: Bool, cashOnDelivery: Bool)] = [
        ("nairobi-cbd", "Nairobi CBD", 20_000, 500_000, false, true),
        ("nairobi-outskirts", "Nairobi outskirts", 35_000, 1_000_000, false, true),
        ("upcountry", "Upcountry (courier)", 60_000, nil, false, false),
        ("pickup-station", "Pickup station, Moi Avenue", 10_000, 300_000, true, true),
    ]

    /// Inserts the zones when there are none (in one transaction); returns how many were inserted.
    public static func seed(store: Store, now: WallTime = WallClock.system.now()) async throws -> Int {
        let timestamp = now.timestamp
        return try await store.transaction { transaction in
            guard try transaction.query("SELECT id FROM delivery_zones LIMIT 1", []).isEmpty else { return 0 }
            for zone in zones {
                try transaction.execute(
                    """
                    INSERT INTO delivery_zones (id, name, fee, currency, free_above, pickup, cash_on_delivery, active,
                        created_at, updated_at)
                    VALUES ($1, $2, $3, 'KES', $4, $5, $6, 1, $7, $7)
                    """,
                    [
                        .text(zone.id), .text(zone.name), SQLValue(zone.fee), zone.freeAbove.map { SQLValue($0) } ?? .null,
                        SQLValue(zone.pickup), SQLValue(zone.cashOnDelivery), .text(timestamp),
                    ])
            }
            return zones.count
        }
    }
}
