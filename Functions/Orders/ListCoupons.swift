import SokoFunctions

/// The merchant's coupons, newest first.
struct CouponList: Encodable, Sendable {
    var items: [Coupon]
}

/// `GET /admin/coupons` → `{items}`: every coupon with its use count, newest first (a shop holds
/// a handful; at most 1000 are listed).
enum ListCoupons: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> CouponList {
        let rows = try await context.store.query(
            "SELECT \(Coupon.columns) FROM coupons ORDER BY created_at DESC, code LIMIT 1000", [])
        return CouponList(items: try rows.map(Coupon.init(row:)))
    }
}
