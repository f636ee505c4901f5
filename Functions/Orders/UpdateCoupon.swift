import SokoFunctions

struct UpdateCouponInput: Decodable, Sendable {
    var active: Bool?
}

/// `PATCH /admin/coupons/{code}` `{active}` → the coupon: `false` deactivates it (orders placed
/// with it afterwards get 422 `coupon-invalid`; orders that hold it keep their discount), `true`
/// activates it again. The code in the path is case-insensitive; 404 `coupon-not-found`.
enum UpdateCoupon: Function {
    static func run(_ input: UpdateCouponInput, context: FunctionContext) async throws -> Coupon {
        guard let active = input.active else {
            throw FunctionError.validation([FieldError(field: "active", message: "is required (true or false)")])
        }
        let code = Coupon.normalised(context.pathParameter("code") ?? "")
        guard Coupon.isCode(code) else { throw CouponProblem.notFound }
        let now = context.now.timestamp
        return try await context.store.transaction { transaction in
            try transaction.execute(
                "UPDATE coupons SET active = $2, updated_at = $3 WHERE code = $1", [.text(code), SQLValue(active), .text(now)])
            guard let coupon = try Coupon.find(code: code, in: transaction) else { throw CouponProblem.notFound }
            return coupon
        }
    }
}
