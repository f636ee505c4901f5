import SokoFunctions

/// The Orders bundle's settings, read from the environment once, when it registers.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SOKO_SHIPPING_FLAT` | flat shipping, minor units of the order's currency | 30000 (KES 300) |
/// | `SOKO_FREE_SHIPPING_FROM` | subtotal from which shipping is free, minor units | 500000 |
/// | `SOKO_TAX_RATE_BPS` | tax added on top of the subtotal in basis points (1600 = 16 %) | 0 |
/// | `SOKO_PRICES_INCLUDE_VAT` | `true`: catalog prices (and shipping) include VAT; the order's `tax` is the VAT the total contains | false |
/// | `SOKO_VAT_RATE` | the VAT rate in percent, up to two decimals (`16`, `7.5`), used when prices include VAT | 16 |
/// | `SOKO_ORDER_TTL` | how long an order waits for payment: `30m`, `2h`, `90s` or seconds | 30m |
/// | `SOKO_MAX_PENDING_ORDERS` | orders one customer may have awaiting payment (or being placed) at once | 5 |
/// | `SOKO_MAX_LINE_QUANTITY` | units of one product per order line, 1–99 (the cart reads it too) | 20 |
public struct OrdersSettings: Sendable, Equatable {
    public var shippingFlat: Int
    public var freeShippingFrom: Int
    public var taxRateBasisPoints: Int
    /// Seconds an order may stay `pending_payment` before the expiry schedule cancels it.
    public var orderTTL: Int
    /// Seconds a `placing` order may take before the expiry schedule rejects it (its process died).
    public var placingTimeout: Int = 120
    /// Added to the order TTL for the stock reservation, so stock stays held for as long as the
    /// order can still be paid (the catalog's own expiry is only a backstop).
    public var reservationMargin: Int = 300
    /// Orders a customer may hold in `placing` or `pending_payment` at once: each holds stock, so
    /// unpaid orders are how a customer would hoard it. Over it, 409 `too-many-pending-orders`.
    public var maxPendingOrders: Int = 5
    /// Units of one product an order line may hold (422 naming the line above it).
    public var maxLineQuantity: Int = 20
    /// Whether prices as shown include VAT (Kenya's shops show VAT-inclusive prices). Then no tax is
    /// added on top; the order's `tax` is the VAT contained in its total (``OrderTotals``).
    public var pricesIncludeVAT: Bool = false
    /// The VAT rate in basis points (1600 = 16 %, Kenya's standard rate).
    public var vatRateBasisPoints: Int = 1_600

    public static let defaults = OrdersSettings(
        shippingFlat: 30_000, freeShippingFrom: 500_000, taxRateBasisPoints: 0, orderTTL: 30 * 60)

    public init(shippingFlat: Int, freeShippingFrom: Int, taxRateBasisPoints: Int, orderTTL: Int) {
        self.shippingFlat = shippingFlat
        self.freeShippingFrom = freeShippingFrom
        self.taxRateBasisPoints = taxRateBasisPoints
        self.orderTTL = orderTTL
    }

    /// Reads the variables over the defaults.
    /// - Throws: ``OrdersSettingsError`` naming the first malformed variable.
    public init(environment: [String: String]) throws(OrdersSettingsError) {
        self = .defaults
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(OrdersSettingsError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw OrdersSettingsError(
                    variable: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        let money = 0...1_000_000_000_000
        if let value = try integer("SOKO_SHIPPING_FLAT", money) { shippingFlat = value }
        if let value = try integer("SOKO_FREE_SHIPPING_FROM", money) { freeShippingFrom = value }
        if let value = try integer("SOKO_TAX_RATE_BPS", 0...10_000) { taxRateBasisPoints = value }
        if let value = try integer("SOKO_MAX_PENDING_ORDERS", 1...10_000) { maxPendingOrders = value }
        // 99: the cart's schema holds no more in a line.
        if let value = try integer("SOKO_MAX_LINE_QUANTITY", 1...99) { maxLineQuantity = value }
        if let text = environment["SOKO_PRICES_INCLUDE_VAT"] {
            switch text.lowercased() {
            case "true", "1", "yes", "on": pricesIncludeVAT = true
            case "false", "0", "no", "off": pricesIncludeVAT = false
            default: throw OrdersSettingsError(variable: "SOKO_PRICES_INCLUDE_VAT", value: text, expected: "true or false")
            }
        }
        if let text = environment["SOKO_VAT_RATE"] {
            guard let bps = Self.basisPoints(percent: text), (0...10_000).contains(bps) else {
                throw OrdersSettingsError(
                    variable: "SOKO_VAT_RATE", value: text,
                    expected: "a percentage from 0 to 100 with up to two decimals, such as 16")
            }
            vatRateBasisPoints = bps
        }
        // Both would tax the goods twice.
        if pricesIncludeVAT && taxRateBasisPoints > 0 {
            throw OrdersSettingsError(
                variable: "SOKO_TAX_RATE_BPS", value: String(taxRateBasisPoints),
                expected: "0 (or unset) while SOKO_PRICES_INCLUDE_VAT=true: prices already include VAT")
        }
        if let text = environment["SOKO_ORDER_TTL"] {
            guard let seconds = Self.seconds(text), (1...7 * 86_400).contains(seconds) else {
                throw OrdersSettingsError(
                    variable: "SOKO_ORDER_TTL", value: text, expected: "a duration from 1s to 7d such as 30m, 2h, 90s or 1800")
            }
            orderTTL = seconds
        }
    }

    /// `16` → 1600, `7.5` → 750, `12.25` → 1225; nil for anything else (signs, three decimals, `%`).
    static func basisPoints(percent text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 3,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }), let units = Int(whole)
        else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        return units * 100 + fraction
    }

    /// `1800`, `90s`, `30m`, `2h`, `1d` → seconds; nil for anything else.
    static func seconds(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let units = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = units[String(last)] {
            guard let count = Int(text.dropLast()), count >= 0 else { return nil }
            let (seconds, overflow) = count.multipliedReportingOverflow(by: unit)
            return overflow ? nil : seconds
        }
        guard let seconds = Int(text), seconds >= 0 else { return nil }
        return seconds
    }
}

/// An Orders setting the bundle cannot run with.
public struct OrdersSettingsError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "\(variable)=\"\(value)\" is not valid: expected \(expected)" }
}
