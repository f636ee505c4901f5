import SokoFunctions

struct ReserveStockInput: Decodable, Sendable {
    var orderID: String
    var lines: [StockReservations.Line]
    var ttlSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case lines
        case ttlSeconds = "ttl_seconds"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try container.decode(String.self, forKey: .orderID)
        lines = try container.decode([StockReservations.Line].self, forKey: .lines)
        ttlSeconds = try container.decodeWholeNumber(forKey: .ttlSeconds)
    }
}

/// `POST /internal/inventory/reserve` (service) `{order_id, lines, ttl_seconds}` →
/// `{order_id, status, expires_at}`: all lines or none (docs/commerce.md).
enum ReserveStock: Function {
    static func run(_ input: ReserveStockInput, context: FunctionContext) async throws -> StockReservations.Reservation {
        try await StockReservations.reserve(
            orderID: input.orderID, lines: input.lines, ttlSeconds: input.ttlSeconds ?? StockReservations.defaultTTL,
            store: context.store)
    }
}
