import SokoFunctions

/// Where an order goes. Stored with the order as JSON; encoded with every key (absent as `null`).
public struct ShippingAddress: Sendable, Equatable, Codable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String?
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String
    public var phone: String?

    enum CodingKeys: String, CodingKey {
        case name, line1, line2, city, country, phone
        case postalCode = "postal_code"
    }

    public init(
        name: String, line1: String, line2: String? = nil, city: String, postalCode: String? = nil, country: String,
        phone: String? = nil
    ) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.postalCode = postalCode
        self.country = country
        self.phone = phone
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(line1, forKey: .line1)
        try container.encode(line2, forKey: .line2)
        try container.encode(city, forKey: .city)
        try container.encode(postalCode, forKey: .postalCode)
        try container.encode(country, forKey: .country)
        try container.encode(phone, forKey: .phone)
    }
}

/// A shipping address as sent: every field optional, so that all missing or bad fields are
/// reported together.
struct ShippingAddressInput: Decodable, Sendable {
    var name: String?
    var line1: String?
    var line2: String?
    var city: String?
    var postalCode: String?
    var country: String?
    var phone: String?

    enum CodingKeys: String, CodingKey {
        case name, line1, line2, city, country, phone
        case postalCode = "postal_code"
    }

    /// Other names clients use for the same fields (`street`, `zip`, …), read when the canonical one
    /// is absent.
    static let aliases: [CodingKeys: [String]] = [
        .name: ["full_name", "recipient", "recipient_name"],
        .line1: ["street", "address", "address1", "address_line1", "street_address"],
        .line2: ["address2", "address_line2"],
        .postalCode: ["zip", "zip_code", "postcode", "post_code"],
        .phone: ["phone_number"],
    ]

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        func read(_ key: CodingKeys) throws -> String? {
            for name in [key.stringValue] + (Self.aliases[key] ?? []) {
                if let value = try container.decodeIfPresent(String.self, forKey: AnyKey(stringValue: name)) { return value }
            }
            return nil
        }
        name = try read(.name)
        line1 = try read(.line1)
        line2 = try read(.line2)
        city = try read(.city)
        postalCode = try read(.postalCode)
        country = try read(.country)
        phone = try read(.phone)
    }

    /// The country when none is given: the shop's home market.
    static let defaultCountry = "KE"

    /// The trimmed, validated address; throws 422 `validation-failed` naming each bad field
    /// (`shipping_address.<field>`).
    func validated(prefix: String = "shipping_address") throws -> ShippingAddress {
        var errors: [FieldError] = []
        func field(_ key: CodingKeys, _ value: String?, required: Bool, max: Int) -> String? {
            let path = "\(prefix).\(key.stringValue)"
            let trimmed = value.map(AddressRules.trimmed) ?? ""
            if trimmed.isEmpty {
                if required { errors.append(FieldError(field: path, message: "is required")) }
                return nil
            }
            if trimmed.count > max {
                errors.append(FieldError(field: path, message: "must be at most \(max) characters"))
                return nil
            }
            if AddressRules.hasControlCharacters(trimmed) {
                errors.append(FieldError(field: path, message: "must not contain control characters"))
                return nil
            }
            return trimmed
        }
        let name = field(.name, name, required: false, max: 200) ?? ""
        let line1 = field(.line1, line1, required: true, max: 200)
        let line2 = field(.line2, line2, required: false, max: 200)
        let city = field(.city, city, required: true, max: 100)
        let postalCode = field(.postalCode, postalCode, required: false, max: 20)
        let country = field(.country, country, required: false, max: 2)?.uppercased() ?? Self.defaultCountry
        if !AddressRules.isCountryCode(country) {
            errors.append(FieldError(field: "\(prefix).country", message: "must be an ISO 3166-1 alpha-2 country code"))
        }
        let phone = field(.phone, phone, required: false, max: 32)
        if let phone, !AddressRules.isPhoneNumber(phone) {
            errors.append(FieldError(field: "\(prefix).phone", message: "may hold digits, spaces, +, -, ( and ) only"))
        }
        guard errors.isEmpty, let line1, let city else { throw FunctionError.validation(errors) }
        return ShippingAddress(
            name: name, line1: line1, line2: line2, city: city, postalCode: postalCode, country: country, phone: phone)
    }
}

enum AddressRules {
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func isPhoneNumber(_ text: String) -> Bool {
        text.contains(where: \.isNumber)
            && text.unicodeScalars.allSatisfy { scalar in
                ("0"..."9").contains(scalar) || " +-()".unicodeScalars.contains(scalar)
            }
    }

    static func isCountryCode(_ code: String) -> Bool { countries.contains(code) }

    /// The officially assigned ISO 3166-1 alpha-2 codes.
    static let countries: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: \.isWhitespace).map(String.init))
}
