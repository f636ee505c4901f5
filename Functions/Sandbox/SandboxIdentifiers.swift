import Glibc

/// Identifiers shaped like the providers' own (random, from the system generator).
enum SandboxIdentifiers {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    private static let upperAndDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func random(_ count: Int, from alphabet: [Character] = alphanumerics) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func digits(_ count: Int) -> String { random(count, from: Array("0123456789")) }

    /// A Stripe object id: `pi_`, `ch_`, `re_`, `evt_`, `req_` and 24 letters or digits.
    static func stripe(_ prefix: String) -> String { prefix + "_" + random(24) }

    /// A Daraja access token (28 letters or digits, as the real ones look).
    static func darajaToken() -> String { random(28) }

    /// `29115-34620561-1`.
    static func merchantRequestID() -> String { digits(5) + "-" + digits(8) + "-1" }

    /// `ws_CO_` + the day and time (DDMMYYYYHHmmss, Nairobi) + digits.
    static func checkoutRequestID(now: Int) -> String {
        let time = NairobiTime(unix: now)
        return "ws_CO_" + time.day + time.month + time.year + time.hour + time.minute + time.second + digits(10)
    }

    /// A receipt such as `QKH94M1Z11`: ten upper-case letters and digits, starting with letters.
    static func mpesaReceipt() -> String { random(3, from: upper) + random(7, from: upperAndDigits) }

    /// A Daraja `requestId` such as `16813-1590513-1`.
    static func darajaRequestID() -> String { digits(5) + "-" + digits(7) + "-1" }
}

/// A Unix time as the wall clock in Nairobi (EAT, UTC+3, no daylight saving), the way Daraja
/// writes `TransactionDate`.
struct NairobiTime {
    let year, month, day, hour, minute, second: String

    init(unix: Int) {
        var t = unix + 3 * 3600
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        year = String(1900 + parts.tm_year)
        month = pad(parts.tm_mon + 1)
        day = pad(parts.tm_mday)
        hour = pad(parts.tm_hour)
        minute = pad(parts.tm_min)
        second = pad(parts.tm_sec)
    }

    /// `YYYYMMDDHHmmss`.
    var compact: String { year + month + day + hour + minute + second }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
