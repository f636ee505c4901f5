import Contracts
import SokoFunctions

/// `POST /internal/inventory/commit` (service) `{order_id}` → `{order_id, status: "committed"}`.
enum CommitStock: Function {
    static func run(_ input: OrderReference, context: FunctionContext) async throws -> StockReservationStatus {
        StockReservationStatus(
            orderID: input.orderID,
            status: try await StockReservations.commit(orderID: input.orderID, store: context.store, now: context.now))
    }
}

/// `POST /internal/inventory/release` (service) `{order_id}` → `{order_id, status}` (`released`,
/// `returned`, or `none` when there was no reservation).
enum ReleaseStock: Function {
    static func run(_ input: OrderReference, context: FunctionContext) async throws -> StockReservationStatus {
        StockReservationStatus(
            orderID: input.orderID,
            status: try await StockReservations.release(orderID: input.orderID, store: context.store, now: context.now))
    }
}

/// `expireReservations` (schedule, every minute): releases active reservations past `expires_at`.
enum ExpireReservations: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> FunctionResponse {
        let released = try await StockReservations.expire(store: context.store, now: context.now)
        if released > 0 { context.logger.info("released expired reservations", metadata: ["count": "\(released)"]) }
        return .noContent
    }
}
