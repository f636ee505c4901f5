import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The body of `POST /admin/delivery-zones` and `PATCH /admin/delivery-zones/{id}`. On PATCH every
/// field is optional and only those sent change; `free_above: null` removes the threshold.
struct DeliveryZoneInput: Decodable, Sendable {
    var id: String?
    var name: String?
    var fee: Int?
    var currency: String?
    /// Outer nil: not sent; `.some(nil)`: sent as null.
    var freeAbove: Int??
    var pickup: Bool?
    var cashOnDelivery: Bool?
    var active: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, fee, currency, pickup, active
        case freeAbove = "free_above"
        case cashOnDelivery = "cash_on_delivery"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        fee = try container.decodeIfPresent(WholeNumber.self, forKey: .fee)?.value
        currency = try container.decodeIfPresent(String.self, forKey: .currency)
        if container.contains(.freeAbove) {
            freeAbove = .some(try container.decodeIfPresent(WholeNumber.self, forKey: .freeAbove)?.value)
        }
        pickup = try container.decodeIfPresent(Bool.self, forKey: .pickup)
        cashOnDelivery = try container.decodeIfPresent(Bool.self, forKey: .cashOnDelivery)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
    }

    /// A new zone as of `now`; 422 naming every field that is missing or wrong.
    func created(at now: String) throws -> DeliveryZone {
        var errors: [FieldError] = []
        if name == nil { errors.append(FieldError(field: "name", message: "is required")) }
        if fee == nil { errors.append(FieldError(field: "fee", message: "is required (minor units; 0 for free)")) }
        if currency == nil { errors.append(FieldError(field: "currency", message: "is required, such as KES")) }
        if let id, !DeliveryZone.isID(id) {
            errors.append(FieldError(field: "id", message: "must be 1 to 64 lower-case letters, digits and dashes"))
        }
        let zone = DeliveryZone(
            id: id ?? UUID().uuidString.lowercased(), name: name ?? "", fee: fee ?? 0, currency: currency ?? "KES",
            freeAbove: freeAbove ?? nil, pickup: pickup ?? false, cashOnDelivery: cashOnDelivery ?? false,
            active: active ?? true, at: now)
        return try Self.validated(zone, errors: errors)
    }

    /// `zone` with the fields this body sends, as of `now`; 422 naming every field that is wrong.
    func applied(to zone: DeliveryZone, at now: String) throws -> DeliveryZone {
        var errors: [FieldError] = []
        if id != nil { errors.append(FieldError(field: "id", message: "cannot be changed")) }
        var changed = zone
        if let name { changed.name = name }
        if let fee { changed.fee = fee }
        if let currency { changed.currency = currency }
        if let freeAbove { changed.freeAbove = freeAbove }
        if let pickup { changed.pickup = pickup }
        if let cashOnDelivery { changed.cashOnDelivery = cashOnDelivery }
        if let active { changed.active = active }
        changed.updatedAt = now
        return try Self.validated(changed, errors: errors)
    }

    /// The zone with its name trimmed and currency upper-cased, or 422 with `errors` and its own.
    static func validated(_ zone: DeliveryZone, errors: [FieldError]) throws -> DeliveryZone {
        var errors = errors
        var zone = zone
        zone.name = AddressRules.trimmed(zone.name)
        if errors.allSatisfy({ $0.field != "name" }),
            zone.name.isEmpty || zone.name.count > 80 || AddressRules.hasControlCharacters(zone.name)
        {
            errors.append(FieldError(field: "name", message: "must be 1 to 80 printable characters"))
        }
        let money = 0...1_000_000_000_000
        if !money.contains(zone.fee) { errors.append(FieldError(field: "fee", message: "must be 0 or more minor units")) }
        zone.currency = zone.currency.uppercased()
        if zone.currency.utf8.count != 3 || !zone.currency.utf8.allSatisfy({ (65...90).contains($0) }) {
            errors.append(FieldError(field: "currency", message: "must be an ISO 4217 code such as KES"))
        }
        if let freeAbove = zone.freeAbove, !money.contains(freeAbove) {
            errors.append(FieldError(field: "free_above", message: "must be 0 or more minor units (or null for never)"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        return zone
    }
}
