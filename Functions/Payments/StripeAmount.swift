/// Converts between Soko's money (integer ISO 4217 minor units) and Stripe's `amount` for a currency.
///
/// For most currencies both are the same unit (cents). Stripe's **zero-decimal** currencies (JPY,
/// KRW, UGX, …) take the whole unit — which is already ISO's minor unit for them, so the number
/// passes unchanged. ISK is zero-decimal in ISO but two-decimal in Stripe (×100). The
/// three-decimal currencies (BHD, JOD, KWD, OMR, TND) take thousandths but the last digit must be
/// 0: amounts are rounded up to it. Currencies outside the table are refused rather than guessed.
public enum StripeAmount {
    /// Stripe's zero-decimal currencies whose ISO minor unit is also the whole unit.
    static let zeroDecimal: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    ]
    static let threeDecimal: Set<String> = ["BHD", "JOD", "KWD", "OMR", "TND"]
    /// Two-decimal currencies (ISO and Stripe agree) this shop may sell in.
    static let twoDecimal: Set<String> = [
        "KES", "USD", "EUR", "GBP", "TZS", "ZAR", "NGN", "GHS", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "INR",
        "AED", "EGP", "MAD", "ETB", "NZD", "SGD", "HKD", "CNY", "BRL", "MXN", "PLN", "CZK",
    ]

    /// Stripe's `amount` for `minor` units of `currency` (upper or lower case), or nil when the
    /// currency is not in the table.
    public static func stripe(minor: Int, currency: String) -> Int? {
        let code = currency.uppercased()
        if zeroDecimal.contains(code) || twoDecimal.contains(code) { return minor }
        if code == "ISK" { return minor * 100 }
        if threeDecimal.contains(code) { return (minor + 9) / 10 * 10 }
        return nil
    }

    /// Soko's minor units for a Stripe `amount` of `currency` (the inverse, for refunds reported
    /// by Stripe).
    public static func minor(stripe amount: Int, currency: String) -> Int? {
        let code = currency.uppercased()
        if code == "ISK" { return amount / 100 }
        return zeroDecimal.contains(code) || twoDecimal.contains(code) || threeDecimal.contains(code) ? amount : nil
    }
}
