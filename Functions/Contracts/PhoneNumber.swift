/// A Kenyan mobile number as Daraja wants it: `2547XXXXXXXX` or `2541XXXXXXXX` (12 digits, no `+`).
///
/// Accepted from customers: `07…`/`01…` (10 digits), `+2547…`/`+2541…` and `2547…`/`2541…`, with
/// spaces or hyphens anywhere. Anything else is refused (sending `07…` to Daraja fails with 2001/400).
public struct MpesaPhone: Sendable, Equatable, CustomStringConvertible {
    /// The 12-digit MSISDN.
    public let msisdn: String

    public init?(_ text: String) {
        var digits = Substring(text.filter { $0 != " " && $0 != "-" })
        if digits.hasPrefix("+254") {
            digits = digits.dropFirst(4)
        } else if digits.hasPrefix("254") {
            digits = digits.dropFirst(3)
        } else if digits.hasPrefix("0") {
            digits = digits.dropFirst()
        } else {
            return nil
        }
        guard digits.count == 9, digits.utf8.allSatisfy({ (48...57).contains($0) }),
            let first = digits.first, first == "7" || first == "1"
        else { return nil }
        msisdn = "254" + digits
    }

    /// The number with its middle masked, for logs.
    public var masked: String { String(msisdn.prefix(5)) + "****" + String(msisdn.suffix(3)) }

    public var description: String { masked }
}
