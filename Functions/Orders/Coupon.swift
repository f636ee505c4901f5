import SokoFunctions

#if canImport(Glibc)
    import Glibc
#endif

/// A discount code as the merchant set it up (`coupons` table), and the discount it gives.
///
/// Codes are case-insensitive: stored and matched upper-cased (``normalised(_:)``). Money is in
/// integer minor units of `currency`; a coupon without a currency applies to orders in any
/// currency (only percentage coupons without a minimum may leave it out).
struct Coupon: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// `value` percent (1–100) off the subtotal.
        case percentage
        /// `value` minor units off the subtotal.
        case fixed
    }

    var code: String
    var kind: Kind
    var value: Int
    var currency: String?
    /// The subtotal (before the discount) an order needs, minor units; 0 for none.
    var minimumSubtotal: Int
    /// The window the coupon can be used in (RFC 3339 UTC, start inclusive, end exclusive).
    var startsAt: String?
    var endsAt: String?
    /// Uses in all; nil for unlimited.
    var maxUses: Int?
    /// Uses per customer; nil for unlimited.
    var maxUsesPerCustomer: Int?
    /// Uses held by orders now (a cancelled unpaid order gives its use back).
    var used: Int
    var active: Bool
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case code, kind, value, currency, used, active
        case minimumSubtotal = "minimum_subtotal"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case maxUses = "max_uses"
        case maxUsesPerCustomer = "max_uses_per_customer"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(kind, forKey: .kind)
        try container.encode(value, forKey: .value)
        try container.encode(currency, forKey: .currency)
        try container.encode(minimumSubtotal, forKey: .minimumSubtotal)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(maxUses, forKey: .maxUses)
        try container.encode(maxUsesPerCustomer, forKey: .maxUsesPerCustomer)
        try container.encode(used, forKey: .used)
        try container.encode(active, forKey: .active)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    /// The discount on `subtotal`: a percentage rounded half up to the minor unit, a fixed amount
    /// as is; never more than the subtotal. Nil if the arithmetic would overflow.
    func discount(on subtotal: Int) -> Int? {
        guard subtotal > 0 else { return 0 }
        switch kind {
        case .percentage:
            let (scaled, overflow) = subtotal.multipliedReportingOverflow(by: value)
            let (rounded, overflow0) = scaled.addingReportingOverflow(50)
            guard !overflow, !overflow0 else { return nil }
            return min(rounded / 100, subtotal)
        case .fixed:
            return min(value, subtotal)
        }
    }

    /// The code as stored: trimmed and upper-cased (ASCII letters, digits, `-` and `_`).
    static func normalised(_ code: String) -> String {
        AddressRules.trimmed(code).uppercased()
    }

    /// Whether `code` (normalised) is 3 to 32 of `A–Z 0–9 - _`.
    static func isCode(_ code: String) -> Bool {
        (3...32).contains(code.utf8.count)
            && code.utf8.allSatisfy {
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
    }

    static let columns = """
        code, kind, value, currency, minimum_subtotal, starts_at, ends_at, max_uses, max_uses_per_customer, used, active,
        created_at, updated_at
        """

    init(row: Row) throws {
        code = try row.string("code") ?? ""
        let kindText = try row.string("kind") ?? ""
        guard let kind = Kind(rawValue: kindText) else {
            throw StoreError.type(column: "kind", expected: "a coupon kind, not \"\(kindText)\"")
        }
        self.kind = kind
        value = try row.int("value") ?? 0
        currency = try row.string("currency")
        minimumSubtotal = try row.int("minimum_subtotal") ?? 0
        startsAt = try row.string("starts_at")
        endsAt = try row.string("ends_at")
        maxUses = try row.int("max_uses")
        maxUsesPerCustomer = try row.int("max_uses_per_customer")
        used = try row.int("used") ?? 0
        active = (try row.int("active") ?? 0) != 0
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
    }

    init(
        code: String, kind: Kind, value: Int, currency: String?, minimumSubtotal: Int, startsAt: String?, endsAt: String?,
        maxUses: Int?, maxUsesPerCustomer: Int?, at now: String
    ) {
        self.code = code
        self.kind = kind
        self.value = value
        self.currency = currency
        self.minimumSubtotal = minimumSubtotal
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.maxUses = maxUses
        self.maxUsesPerCustomer = maxUsesPerCustomer
        used = 0
        active = true
        createdAt = now
        updatedAt = now
    }

    static func find(code: String, in transaction: Transaction) throws -> Coupon? {
        try transaction.query("SELECT \(columns) FROM coupons WHERE code = $1", [.text(code)]).first.map(Coupon.init(row:))
    }

    static func find(code: String, in store: Store) async throws -> Coupon? {
        try await store.query("SELECT \(columns) FROM coupons WHERE code = $1", [.text(code)]).first.map(Coupon.init(row:))
    }
}

/// Coupon problems: 404 for the admin routes, and the problems that refuse an order.
enum CouponProblem {
    static let notFound = FunctionError.notFound("no such coupon", code: "coupon-not-found")

    static func invalid(_ detail: String) -> OrderPlacement.Refusal {
        OrderPlacement.Refusal(problem: StoredProblem(status: 422, code: "coupon-invalid", detail: detail))
    }
}

/// RFC 3339 instants a coupon's window is given in.
enum CouponTime {
    /// `2026-12-01T00:00:00Z` (optionally with `.fff` fractions or a `+HH:MM` offset) → the
    /// store's timestamp text in UTC; nil for anything else.
    static func normalised(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 35 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == UInt8(ascii: "-"), let month = number(5..<7),
            bytes[7] == UInt8(ascii: "-"), let day = number(8..<10),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = number(11..<13), bytes[13] == UInt8(ascii: ":"), let minute = number(14..<16),
            bytes[16] == UInt8(ascii: ":"), let second = number(17..<19),
            (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var milliseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, index - start <= 9 else { return nil }
            let digits = Array(bytes[start..<min(index, start + 3)]) + Array(repeating: UInt8(ascii: "0"), count: 3)
            milliseconds = digits[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        var offset = 0
        if index == bytes.count - 1, bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            offset = 0
        } else if index == bytes.count - 6, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let hours = number(index + 1..<index + 3), bytes[index + 3] == UInt8(ascii: ":"),
            let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 February into March: refuse dates that do not exist.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Timestamp.format(seconds: seconds - offset, milliseconds: milliseconds)
    }
}
