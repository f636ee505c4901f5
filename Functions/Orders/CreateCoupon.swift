import SokoFunctions

struct CreateCouponInput: Decodable, Sendable {
    var code: String
    var kind: String
    var value: Int
    var currency: String?
    var minimumSubtotal: Int?
    var startsAt: String?
    var endsAt: String?
    var maxUses: Int?
    var maxUsesPerCustomer: Int?

    enum CodingKeys: String, CodingKey {
        case code, kind, value, currency
        case minimumSubtotal = "minimum_subtotal"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case maxUses = "max_uses"
        case maxUsesPerCustomer = "max_uses_per_customer"
    }

    /// The coupon it describes as of `now`; 422 naming every field that is wrong.
    func validated(at now: String) throws -> Coupon {
        var errors: [FieldError] = []
        let code = Coupon.normalised(code)
        if !Coupon.isCode(code) {
            errors.append(FieldError(field: "code", message: "must be 3 to 32 letters, digits, dashes or underscores"))
        }
        let kind = Coupon.Kind(rawValue: kind)
        let money = 0...1_000_000_000_000
        switch kind {
        case .percentage?:
            if !(1...100).contains(value) { errors.append(FieldError(field: "value", message: "must be a percentage, 1 to 100")) }
        case .fixed?:
            if !(1...money.upperBound).contains(value) {
                errors.append(FieldError(field: "value", message: "must be an amount in minor units, at least 1"))
            }
        case nil:
            errors.append(FieldError(field: "kind", message: "must be percentage or fixed"))
        }
        let currency = currency.map { $0.uppercased() }
        if let currency, currency.utf8.count != 3 || !currency.utf8.allSatisfy({ (65...90).contains($0) }) {
            errors.append(FieldError(field: "currency", message: "must be an ISO 4217 code such as KES"))
        }
        let minimum = minimumSubtotal ?? 0
        if !money.contains(minimum) {
            errors.append(FieldError(field: "minimum_subtotal", message: "must be 0 or more minor units"))
        }
        if currency == nil && (kind == .fixed || minimum > 0) {
            errors.append(FieldError(field: "currency", message: "is required for a fixed amount or a minimum subtotal"))
        }
        let starts = startsAt.map { CouponTime.normalised($0) }
        let ends = endsAt.map { CouponTime.normalised($0) }
        if case .some(nil) = starts {
            errors.append(FieldError(field: "starts_at", message: "must be an RFC 3339 time such as 2026-12-01T00:00:00Z"))
        }
        if case .some(nil) = ends {
            errors.append(FieldError(field: "ends_at", message: "must be an RFC 3339 time such as 2026-12-31T23:59:59Z"))
        }
        if let start = starts ?? nil, let end = ends ?? nil, end <= start {
            errors.append(FieldError(field: "ends_at", message: "must be after starts_at"))
        }
        if let maxUses, !(1...1_000_000_000).contains(maxUses) {
            errors.append(FieldError(field: "max_uses", message: "must be 1 or more (leave it out for no limit)"))
        }
        if let maxUsesPerCustomer, !(1...1_000_000_000).contains(maxUsesPerCustomer) {
            errors.append(FieldError(field: "max_uses_per_customer", message: "must be 1 or more (leave it out for no limit)"))
        }
        guard errors.isEmpty, let kind else { throw FunctionError.validation(errors) }
        return Coupon(
            code: code, kind: kind, value: value, currency: currency, minimumSubtotal: minimum, startsAt: starts ?? nil,
            endsAt: ends ?? nil, maxUses: maxUses, maxUsesPerCustomer: maxUsesPerCustomer, at: now)
    }
}

/// `POST /admin/coupons` `{code, kind, value, currency?, minimum_subtotal?, starts_at?, ends_at?,
/// max_uses?, max_uses_per_customer?}` → 201 with the coupon. The code is stored upper-cased (codes
/// are case-insensitive); 409 `coupon-exists` when it is taken, 422 naming each bad field.
enum CreateCoupon: Function {
    static func run(_ input: CreateCouponInput, context: FunctionContext) async throws -> Reply<Coupon> {
        let coupon = try input.validated(at: context.now.timestamp)
        do {
            try await context.store.transaction { transaction in
                try transaction.execute(
                    """
                    INSERT INTO coupons (code, kind, value, currency, minimum_subtotal, starts_at, ends_at, max_uses,
                        max_uses_per_customer, used, active, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 1, $10, $10)
                    """,
                    [
                        .text(coupon.code), .text(coupon.kind.rawValue), SQLValue(coupon.value),
                        coupon.currency.map(SQLValue.text) ?? .null, SQLValue(coupon.minimumSubtotal),
                        coupon.startsAt.map(SQLValue.text) ?? .null, coupon.endsAt.map(SQLValue.text) ?? .null,
                        coupon.maxUses.map { SQLValue($0) } ?? .null, coupon.maxUsesPerCustomer.map { SQLValue($0) } ?? .null,
                        .text(coupon.createdAt),
                    ])
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError(status: 409, code: "coupon-exists", detail: "a coupon with the code \(coupon.code) exists")
        }
        return .created(coupon, location: "/admin/coupons/\(coupon.code)")
    }
}
