import SokoFunctions

/// Prices as a shopper reads them: `KES 1,250.00` from minor units and an ISO 4217 code.
public enum MoneyText {
    /// Currencies without minor units (ISO 4217 exponent 0) that a shop might use.
    static let zeroDecimal: Set<String> = ["JPY", "KRW", "UGX", "RWF", "XAF", "XOF", "CLP", "VND"]

    public static func format(_ minor: Int, currency: String) -> String {
        let code = currency.isEmpty ? "KES" : currency.uppercased()
        let negative = minor < 0
        let magnitude = minor.magnitude
        let decimals = zeroDecimal.contains(code) ? 0 : 2
        var unit: UInt = 1
        for _ in 0..<decimals { unit *= 10 }
        let whole = grouped(magnitude / unit)
        var text = "\(code) \(negative ? "-" : "")\(whole)"
        if decimals > 0 {
            let cents = String(magnitude % unit)
            text += "." + String(repeating: "0", count: decimals - cents.count) + cents
        }
        return text
    }

    /// `1250000` → `1,250,000`.
    static func grouped(_ value: UInt) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
