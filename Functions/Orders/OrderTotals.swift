import SokoFunctions

/// An order's money, in minor units of its currency.
public struct OrderTotals: Sendable, Equatable {
    public var subtotal: Int
    /// A coupon's discount off the subtotal (0 without one); never more than the subtotal.
    public var discount: Int
    public var shipping: Int
    public var tax: Int
    public var total: Int
    /// The VAT rate (basis points) the total includes, when prices are shown VAT-inclusive; then
    /// `tax` is the VAT contained in `total`, not added to it. Nil: `tax` is added on top.
    public var vatIncludedRateBasisPoints: Int?

    public init(
        subtotal: Int, discount: Int = 0, shipping: Int, tax: Int, total: Int, vatIncludedRateBasisPoints: Int? = nil
    ) {
        self.vatIncludedRateBasisPoints = vatIncludedRateBasisPoints
        self.subtotal = subtotal
        self.discount = discount
        self.shipping = shipping
        self.tax = tax
        self.total = total
    }

    /// Shipping is flat, waived from the free-shipping threshold; tax is the subtotal times the
    /// rate in basis points, rounded half up, in integer arithmetic. When prices include VAT
    /// (``OrdersSettings/pricesIncludeVAT``) nothing is added: `total = subtotal − discount +
    /// shipping`, and `tax` is the VAT that total contains, `total × rate / (100 % + rate)`, rounded
    /// half up once per order (not per line).
    /// With a coupon, `discount` gives its discount on the subtotal (clamped to 0...subtotal); the
    /// free-shipping threshold and the tax then apply to the discounted subtotal (what the
    /// customer pays for the goods), and `total = subtotal − discount + shipping + tax`.
    /// Returns nil when an amount would overflow (a cart no shop could price).
    public static func compute(
        lineTotals: [Int], settings: OrdersSettings, discount: (Int) -> Int? = { _ in 0 }
    ) -> OrderTotals? {
        var subtotal = 0
        for line in lineTotals {
            let (sum, overflow) = subtotal.addingReportingOverflow(line)
            guard !overflow, line >= 0 else { return nil }
            subtotal = sum
        }
        guard let offered = discount(subtotal) else { return nil }
        let off = min(max(offered, 0), subtotal)
        let goods = subtotal - off
        let shipping = goods >= settings.freeShippingFrom ? 0 : settings.shippingFlat
        let (scaled, overflow) = goods.multipliedReportingOverflow(by: settings.taxRateBasisPoints)
        let (rounded, overflow0) = scaled.addingReportingOverflow(5_000)
        guard !overflow, !overflow0 else { return nil }
        let tax = rounded / 10_000
        let (partial, overflow1) = goods.addingReportingOverflow(shipping)
        guard !overflow1 else { return nil }
        if settings.pricesIncludeVAT {
            guard let vat = includedVAT(in: partial, rateBasisPoints: settings.vatRateBasisPoints) else { return nil }
            return OrderTotals(
                subtotal: subtotal, discount: off, shipping: shipping, tax: vat, total: partial,
                vatIncludedRateBasisPoints: settings.vatRateBasisPoints)
        }
        let (total, overflow2) = partial.addingReportingOverflow(tax)
        guard !overflow2 else { return nil }
        return OrderTotals(subtotal: subtotal, discount: off, shipping: shipping, tax: tax, total: total)
    }

    /// The VAT contained in a VAT-inclusive `gross` at `rate` basis points: `gross × rate / (10000 +
    /// rate)`, rounded half up, in integer arithmetic; nil on overflow.
    public static func includedVAT(in gross: Int, rateBasisPoints rate: Int) -> Int? {
        let divisor = 10_000 + rate
        let (scaled, overflow) = gross.multipliedReportingOverflow(by: rate * 2)
        let (rounded, overflow0) = scaled.addingReportingOverflow(divisor)
        guard !overflow, !overflow0 else { return nil }
        return rounded / (divisor * 2)
    }
}
