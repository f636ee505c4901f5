import SokoFunctions

struct ValidateCouponInput: Decodable, Sendable {
    var code: String
    /// The delivery zone the checkout has chosen, so the total carries its fee (flat shipping without).
    var deliveryZone: String?
    enum CodingKeys: String, CodingKey {
        case code
        case deliveryZone = "delivery_zone"
    }
}

/// What a coupon would take off the caller's cart now.
struct CouponQuote: Encodable, Sendable {
    var code: String
    var currency: String
    var subtotal: Int
    var discount: Int
    /// The order's total with the discount (shipping and tax as `placeOrder` would compute them).
    var total: Int
}

/// `POST /coupons/validate` `{code, delivery_zone?}` → `{code, currency, subtotal, discount, total}` for the caller's
/// cart, or the 422 `coupon-*` problem `placeOrder` would answer. A quote only: nothing is
/// reserved, so a coupon with one use left may still be gone when the order is placed.
struct ValidateCoupon: DependentFunction {
    let settings: OrdersSettings

    func run(_ input: ValidateCouponInput, context: FunctionContext) async throws -> CouponQuote {
        guard let customerID = context.identity?.subject else {
            throw FunctionError.unauthorized("sign in to use a coupon")
        }
        let code = Coupon.normalised(input.code)
        guard Coupon.isCode(code) else {
            throw FunctionError(
                status: 422, code: "coupon-invalid", detail: "code must be 3 to 32 letters, digits, dashes or underscores",
                errors: [FieldError(field: "code", message: "is not a coupon code")])
        }
        var zone: DeliveryChoice?
        if let id = input.deliveryZone {
            guard DeliveryZone.isID(id) else {
                throw FunctionError.validation([FieldError(field: "delivery_zone", message: "must be a delivery zone id")])
            }
            zone = try await DeliveryRequest(zoneID: id, paymentMethod: .online).resolved(in: context.store)
        }
        let pricing = zone?.pricing(settings) ?? settings
        let placement = OrderPlacement(customerID: customerID, context: context, settings: pricing, delivery: zone)
        do {
            let priced = try await placement.price()
            let coupon = try await Coupon.find(code: code, in: context.store)
            try CouponRedemption.check(
                coupon, code: code, currency: priced.currency, subtotal: priced.totals.subtotal, at: context.now.timestamp)
            guard let coupon else { throw CouponProblem.invalid("\(code) is not a valid coupon code") }
            if let maxUses = coupon.maxUses, coupon.used >= maxUses {
                throw StoredProblem(status: 422, code: "coupon-exhausted", detail: "\(code) has been used up").error()
            }
            if let perCustomer = coupon.maxUsesPerCustomer {
                let mine =
                    try await context.store.query(
                        "SELECT COUNT(*) AS n FROM coupon_uses WHERE coupon_code = $1 AND customer_id = $2",
                        [.text(code), .text(customerID)]
                    ).first?.int("n") ?? 0
                if mine >= perCustomer {
                    throw StoredProblem(
                        status: 422, code: "coupon-exhausted", detail: "\(code) can be used \(perCustomer) time(s) per customer"
                    ).error()
                }
            }
            guard
                let totals = OrderTotals.compute(
                    lineTotals: priced.lines.map(\.lineTotal), settings: pricing, discount: { coupon.discount(on: $0) })
            else { throw StoredProblem(status: 422, code: "order-too-large", detail: "the order total is too large").error() }
            return CouponQuote(
                code: code, currency: priced.currency, subtotal: totals.subtotal, discount: totals.discount, total: totals.total)
        } catch let refusal as OrderPlacement.Refusal {
            throw refusal.problem.error()
        }
    }
}
