/// Amounts in integer minor units, written for people: `KES 1,500.00`, `JPY 1,500`, `BHD 1.500`.
enum Money {
    /// ISO 4217 currencies whose minor unit is not a hundredth.
    private static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0,
        "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    ]

    static func format(_ minor: Int, currency: String) -> String {
        let code = String(currency.uppercased().filter { $0.isASCII && $0.isLetter }.prefix(3))
        let exponent = exponents[code] ?? 2
        let magnitude = minor.magnitude
        var scale: UInt = 1
        for _ in 0..<exponent { scale *= 10 }
        let whole = String(magnitude / scale)
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        var amount = (minor < 0 ? "-" : "") + grouped
        if exponent > 0 {
            let fraction = String(magnitude % scale)
            amount += "." + String(repeating: "0", count: exponent - fraction.count) + fraction
        }
        return code.isEmpty ? amount : "\(code) \(amount)"
    }
}

/// Text made safe to place in HTML, as element content or a quoted attribute value.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
