import SokoFunctions

/// An order's money, in minor units of its currency.
public struct OrderTotals: Sendable, Equatable {
    public var subtotal: Int
    public var shipping: Int
    public var tax: Int
    public var total: Int

    public init(subtotal: Int, shipping: Int, tax: Int, total: Int) {
        self.subtotal = subtotal
        self.shipping = shipping
        self.tax = tax
        self.total = total
    }

    /// Shipping is flat, waived from the free-shipping threshold; tax is the subtotal times the
    /// rate in basis points, rounded half up, in integer arithmetic.
    /// Returns nil when an amount would overflow (a cart no shop could price).
    public static func compute(lineTotals: [Int], settings: OrdersSettings) -> OrderTotals? {
        var subtotal = 0
        for line in lineTotals {
            let (sum, overflow) = subtotal.addingReportingOverflow(line)
            guard !overflow, line >= 0 else { return nil }
            subtotal = sum
        }
        let shipping = subtotal >= settings.freeShippingFrom ? 0 : settings.shippingFlat
        let (scaled, overflow) = subtotal.multipliedReportingOverflow(by: settings.taxRateBasisPoints)
        let (rounded, overflow0) = scaled.addingReportingOverflow(5_000)
        guard !overflow, !overflow0 else { return nil }
        let tax = rounded / 10_000
        let (partial, overflow1) = subtotal.addingReportingOverflow(shipping)
        let (total, overflow2) = partial.addingReportingOverflow(tax)
        guard !overflow1, !overflow2 else { return nil }
        return OrderTotals(subtotal: subtotal, shipping: shipping, tax: tax, total: total)
    }
}
