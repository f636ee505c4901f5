import Contracts
import SokoFunctions

/// `POST /internal/inventory/reserve` (service) `{order_id, lines, ttl_seconds}` →
/// `{order_id, status, expires_at}`: all lines or none (docs/commerce.md).
enum ReserveStock: Function {
    static func run(_ input: StockReservationRequest, context: FunctionContext) async throws -> StockReservation {
        try await StockReservations.reserve(
            orderID: input.orderID, lines: input.lines, ttlSeconds: input.ttlSeconds ?? StockReservations.defaultTTL,
            store: context.store, now: context.now)
    }
}
