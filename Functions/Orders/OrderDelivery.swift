import SokoFunctions

/// How an order is paid: online (M-Pesa STK push or card, through Payments) or on delivery — cash
/// or M-Pesa handed over when the parcel arrives, recorded by the merchant
/// (`POST /admin/orders/{id}/collect`).
public enum PaymentMethod: String, Sendable, Codable, CaseIterable {
    case online
    case cashOnDelivery = "cash_on_delivery"
    case mpesaOnDelivery = "mpesa_on_delivery"

    /// Whether the order skips online payment and waits, `confirmed`, for the merchant's collection.
    public var isOnDelivery: Bool { self != .online }
}

/// Where an order goes, as placed: the zone's id and name and whether it is a pickup station (a
/// copy; the zone may change later). The fee is the order's `shipping`.
public struct OrderDelivery: Sendable, Equatable, Encodable {
    public var zone: String
    public var name: String
    public var fee: Int
    public var pickup: Bool

    enum CodingKeys: String, CodingKey { case zone, name, fee, pickup }
}

extension Order {
    /// Whether the order waits for the money on delivery rather than for an online payment.
    var paysOnDelivery: Bool { paymentMethod.isOnDelivery }

    /// The delivery part of the order's row (``Order/columns`` reads these).
    static func delivery(row: Row, fee: Int) throws -> OrderDelivery? {
        guard let zone = try row.string("delivery_zone_id") else { return nil }
        return OrderDelivery(
            zone: zone, name: try row.string("delivery_zone_name") ?? "", fee: fee,
            pickup: (try row.int("delivery_pickup") ?? 0) != 0)
    }

    static func paymentMethod(row: Row) throws -> PaymentMethod {
        try row.string("payment_method").flatMap(PaymentMethod.init(rawValue:)) ?? .online
    }
}
