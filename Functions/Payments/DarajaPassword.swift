import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `Password` and `Timestamp` of an STK push or query: base64(shortcode + passkey + timestamp),
/// with the very same 14-digit timestamp in both fields.
///
/// The timestamp is Nairobi wall-clock time (`Africa/Nairobi`, UTC+3 all year: Kenya keeps no
/// daylight saving), which is what Daraja's documentation and samples use. It is computed as UTC
/// plus three hours, so it does not depend on the machine's time zone or tz database.
public struct DarajaPassword: Sendable, Equatable {
    public let timestamp: String
    public let password: String

    public init(shortcode: String, passkey: String, timestamp: String) {
        self.timestamp = timestamp
        password = Data((shortcode + passkey + timestamp).utf8).base64EncodedString()
    }

    /// The password for `unixTime` (seconds).
    public init(shortcode: String, passkey: String, unixTime: Int) {
        self.init(shortcode: shortcode, passkey: passkey, timestamp: Self.timestamp(unixTime: unixTime))
    }

    /// `YYYYMMDDHHmmss` in Nairobi time.
    public static func timestamp(unixTime: Int) -> String {
        var seconds = unixTime + 3 * 3600
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1) + pad(parts.tm_mday) + pad(parts.tm_hour)
            + pad(parts.tm_min) + pad(parts.tm_sec)
    }
}
