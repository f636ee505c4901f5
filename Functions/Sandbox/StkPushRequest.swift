import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An STK push request body, checked field by field as Daraja checks it.
struct StkPushRequest: Equatable, Sendable {
    var businessShortCode: String
    var timestamp: String
    var transactionType: String
    var amount: Int
    var partyA: String
    var partyB: String
    var phoneNumber: String
    var callbackURL: String
    var accountReference: String
    var transactionDesc: String

    static let transactionTypes: Set<String> = ["CustomerPayBillOnline", "CustomerBuyGoodsOnline"]
    /// M-Pesa's per-transaction ceiling, KES.
    static let maximumAmount = 250_000

    /// Parses and validates `body`; the first bad field is the error, in Daraja's order.
    /// - Throws: ``DarajaError`` (`400.002.05` for a body that is not an object, `400.002.02` for
    ///   a field, `500.001.1001 Wrong credentials` for a password that does not match).
    init(body: [UInt8], passkey: String, callbackHosts: Set<String>?) throws(DarajaError) {
        let fields = try DarajaFields(body: body)
        let shortCode = fields.text("BusinessShortCode")
        guard let shortCode, Self.isShortCode(shortCode) else { throw .invalid("BusinessShortCode") }
        let timestamp = fields.text("Timestamp")
        guard let timestamp, DarajaPassword.isTimestamp(timestamp) else { throw .invalid("Timestamp") }
        guard let password = fields.text("Password"), !password.isEmpty else { throw .invalid("Password") }
        guard password == DarajaPassword.make(shortCode: shortCode, passkey: passkey, timestamp: timestamp) else {
            throw .wrongCredentials
        }
        guard let type = fields.text("TransactionType"), Self.transactionTypes.contains(type) else {
            throw .invalid("TransactionType")
        }
        guard let amountText = fields.text("Amount"), let amount = Int(amountText), (1...Self.maximumAmount).contains(amount)
        else { throw .invalid("Amount") }
        guard let partyA = fields.text("PartyA"), Self.isMSISDN(partyA) else { throw .invalid("PartyA") }
        guard let partyB = fields.text("PartyB"), Self.isShortCode(partyB) else { throw .invalid("PartyB") }
        guard let phone = fields.text("PhoneNumber"), Self.isMSISDN(phone) else { throw .invalid("PhoneNumber") }
        guard let url = fields.text("CallBackURL"), CallbackURL.isAcceptable(url, hosts: callbackHosts) else {
            throw .invalid("CallBackURL")
        }
        guard let reference = fields.text("AccountReference"), (1...12).contains(reference.count) else {
            throw .invalid("AccountReference")
        }
        guard let description = fields.text("TransactionDesc"), (1...13).contains(description.count) else {
            throw .invalid("TransactionDesc")
        }
        self.init(
            businessShortCode: shortCode, timestamp: timestamp, transactionType: type, amount: amount, partyA: partyA,
            partyB: partyB, phoneNumber: phone, callbackURL: url, accountReference: reference,
            transactionDesc: description)
    }

    init(
        businessShortCode: String, timestamp: String, transactionType: String, amount: Int, partyA: String,
        partyB: String, phoneNumber: String, callbackURL: String, accountReference: String, transactionDesc: String
    ) {
        self.businessShortCode = businessShortCode
        self.timestamp = timestamp
        self.transactionType = transactionType
        self.amount = amount
        self.partyA = partyA
        self.partyB = partyB
        self.phoneNumber = phoneNumber
        self.callbackURL = callbackURL
        self.accountReference = accountReference
        self.transactionDesc = transactionDesc
    }

    /// A Paybill or till number: 5 to 7 digits.
    static func isShortCode(_ text: String) -> Bool {
        (5...7).contains(text.utf8.count) && text.utf8.allSatisfy { (48...57).contains($0) }
    }

    /// `2547XXXXXXXX` or `2541XXXXXXXX`: 12 digits, no `+`.
    static func isMSISDN(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (48...57).contains($0) }
            && (text.hasPrefix("2547") || text.hasPrefix("2541"))
    }
}

/// The top-level fields of a Daraja JSON body. Daraja takes numbers and digit strings alike
/// (`"Amount": 1` or `"Amount": "1"`), so each is read as text; a fraction stays a fraction
/// (`"1.5"`) and fails the integer checks.
struct DarajaFields {
    let object: [String: JSONValue]

    init(body: [UInt8]) throws(DarajaError) {
        guard case .object(let object)? = try? JSONCoding.decode(JSONValue.self, from: body) else {
            throw .invalidPayload
        }
        self.object = object
    }

    func text(_ name: String) -> String? {
        switch object[name] {
        case .string(let value): value
        case .integer(let value): String(value)
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        default: nil
        }
    }
}

/// The STK `Password`: base64(shortcode + passkey + timestamp), plain concatenation.
enum DarajaPassword {
    static func make(shortCode: String, passkey: String, timestamp: String) -> String {
        Data((shortCode + passkey + timestamp).utf8).base64EncodedString()
    }

    /// `YYYYMMDDHHmmss`: 14 digits naming a plausible moment.
    static func isTimestamp(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ (48...57).contains($0) }) else { return false }
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: digits[range], as: UTF8.self))! }
        return (2000...2999).contains(number(0..<4)) && (1...12).contains(number(4..<6))
            && (1...31).contains(number(6..<8)) && number(8..<10) < 24 && number(10..<12) < 60 && number(12..<14) < 60
    }
}

/// Which callback URLs the sandbox will post to: `http` or `https` (Daraja wants public HTTPS; the
/// sandbox posts to the platform itself, often plain HTTP on loopback), with no spaces, to an
/// allowed host — the sandbox is reachable by anyone and must not post wherever it is told.
enum CallbackURL {
    static func isAcceptable(_ url: String, hosts: Set<String>?) -> Bool {
        guard !url.contains(where: { $0 == " " || $0.isNewline || $0 == "\t" }), let host = host(of: url) else {
            return false
        }
        return hosts?.contains(host) ?? true
    }

    /// The lower-case host of an `http(s)://host[:port]/…` URL (IPv6 in brackets), or nil.
    static func host(of url: String) -> String? {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return host.isEmpty ? nil : String(host)
    }
}
