import SokoFunctions

/// Where the merchant delivers and what it costs (`delivery_zones`): a Nairobi CBD rider, the
/// outskirts, upcountry couriers, a pickup station. The customer picks one at checkout; its fee
/// becomes the order's `shipping` (0 from `free_above`, when set) and the order keeps a copy of its
/// name, so renaming or repricing a zone later never changes a placed order.
///
/// Money is in integer minor units of `currency`. `cash_on_delivery` allows the pay-on-delivery
/// methods (cash or M-Pesa handed to the rider) for orders to this zone.
struct DeliveryZone: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var fee: Int
    var currency: String
    /// The discounted subtotal from which delivery is free; nil: never free.
    var freeAbove: Int?
    /// A pickup station: the customer collects the parcel (the address is still their contact).
    var pickup: Bool
    /// Whether orders to this zone may be paid on delivery.
    var cashOnDelivery: Bool
    var active: Bool
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency, pickup, active
        case freeAbove = "free_above"
        case cashOnDelivery = "cash_on_delivery"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(fee, forKey: .fee)
        try container.encode(currency, forKey: .currency)
        try container.encode(freeAbove, forKey: .freeAbove)  // null: never free
        try container.encode(pickup, forKey: .pickup)
        try container.encode(cashOnDelivery, forKey: .cashOnDelivery)
        try container.encode(active, forKey: .active)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    /// The delivery fee for an order whose goods (subtotal less discount) come to `goods`.
    func fee(forGoods goods: Int) -> Int {
        if let freeAbove, goods >= freeAbove { return 0 }
        return fee
    }

    static let columns = "id, name, fee, currency, free_above, pickup, cash_on_delivery, active, created_at, updated_at"

    init(
        id: String, name: String, fee: Int, currency: String, freeAbove: Int?, pickup: Bool, cashOnDelivery: Bool,
        active: Bool, at now: String
    ) {
        self.id = id
        self.name = name
        self.fee = fee
        self.currency = currency
        self.freeAbove = freeAbove
        self.pickup = pickup
        self.cashOnDelivery = cashOnDelivery
        self.active = active
        createdAt = now
        updatedAt = now
    }

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        name = try row.string("name") ?? ""
        fee = try row.int("fee") ?? 0
        currency = try row.string("currency") ?? ""
        freeAbove = try row.int("free_above")
        pickup = (try row.int("pickup") ?? 0) != 0
        cashOnDelivery = (try row.int("cash_on_delivery") ?? 0) != 0
        active = (try row.int("active") ?? 0) != 0
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }

    static func find(id: String, in transaction: Transaction) throws -> DeliveryZone? {
        try transaction.query("SELECT \(columns) FROM delivery_zones WHERE id = $1", [.text(id)]).first.map(Self.init(row:))
    }

    static func find(id: String, in store: Store) async throws -> DeliveryZone? {
        try await store.query("SELECT \(columns) FROM delivery_zones WHERE id = $1", [.text(id)]).first.map(Self.init(row:))
    }

    /// Every zone (or only the active ones): deliveries cheapest first, then pickup stations; a shop has a handful, at most 200 are listed.
    static func list(activeOnly: Bool, in store: Store) async throws -> [DeliveryZone] {
        try await store.query(
            "SELECT \(columns) FROM delivery_zones\(activeOnly ? " WHERE active = 1" : "") ORDER BY pickup, fee, name, id LIMIT 200",
            []
        ).map(Self.init(row:))
    }

    /// Whether the shop has any active zone (then every order must choose one).
    static func anyActive(in store: Store) async throws -> Bool {
        try await store.query("SELECT id FROM delivery_zones WHERE active = 1 LIMIT 1", []).first != nil
    }

    /// Zone ids: 1 to 64 lower-case letters, digits and dashes (generated ids are UUIDs).
    static func isID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }
}

/// The zones' own problems.
enum DeliveryZoneProblem {
    static let notFound = FunctionError.notFound("no such delivery zone", code: "delivery-zone-not-found")
}
