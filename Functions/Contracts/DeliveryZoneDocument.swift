/// A delivery zone as Orders' routes answer it (`GET /delivery-zones`, `GET
/// /admin/delivery-zones`), decoded by the pages that show zones: the storefront's checkout and
/// the console's zones page. `active` is only in the admin list (the public one lists active zones).
public struct DeliveryZoneDocument: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Minor units of `currency`.
    public var fee: Int
    public var currency: String
    /// The discounted subtotal from which delivery is free; nil: never free.
    public var freeAbove: Int?
    public var pickup: Bool
    public var cashOnDelivery: Bool
    public var active: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency, pickup, active
        case freeAbove = "free_above"
        case cashOnDelivery = "cash_on_delivery"
    }

    public init(
        id: String, name: String, fee: Int, currency: String, freeAbove: Int? = nil, pickup: Bool = false,
        cashOnDelivery: Bool = false, active: Bool? = nil
    ) {
        self.id = id
        self.name = name
        self.fee = fee
        self.currency = currency
        self.freeAbove = freeAbove
        self.pickup = pickup
        self.cashOnDelivery = cashOnDelivery
        self.active = active
    }

    /// The answer of either list: `{items: [...]}`.
    public struct List: Decodable, Sendable {
        public var items: [DeliveryZoneDocument]
    }
}
