import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The writable fields of a product, as `createProduct` (all required but the optional ones) and
/// `updateProduct` (any subset) take them. Absent and `null` both mean "not given".
struct ProductFields: Decodable, Sendable {
    var sku: String?
    var name: String?
    var description: String?
    var price: Int?
    var currency: String?
    var categoryID: String?
    var images: [String]?
    var attributes: [String: JSONValue]?
    /// Declaring options makes the product sold as variants (``OptionRules``).
    var options: [ProductOption]?

    enum CodingKeys: String, CodingKey {
        case sku, name, description, price, currency, images, attributes, category, options
        case categoryID = "category_id"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decodeIfPresent(String.self, forKey: .sku)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        price = try container.decodeWholeNumber(forKey: .price)
        currency = try container.decodeIfPresent(String.self, forKey: .currency)
        // API.md names the field `category`; `category_id` (as products are shown) is taken too.
        categoryID =
            try container.decodeIfPresent(String.self, forKey: .categoryID)
            ?? container.decodeIfPresent(String.self, forKey: .category)
        images = try container.decodeIfPresent([String].self, forKey: .images)
        attributes = try container.decodeIfPresent([String: JSONValue].self, forKey: .attributes)
        options = try container.decodeIfPresent([ProductOption].self, forKey: .options)
    }

    /// Trims the text fields (a SKU or name with stray spaces is the same SKU or name).
    var normalised: ProductFields {
        var fields = self
        fields.sku = sku?.trimmingWhitespace()
        fields.name = name?.trimmingWhitespace()
        fields.description = description?.trimmingWhitespace()
        fields.currency = currency?.trimmingWhitespace()
        fields.categoryID = categoryID?.trimmingWhitespace()
        fields.options = options.map(OptionRules.normalised)
        return fields
    }

    /// What is wrong with the given fields; with `required`, also the missing required ones.
    func problems(required: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        func missing(_ field: String) { errors.append(FieldError(field: field, message: "is required")) }
        if let sku {
            if !ProductRules.isSKU(sku) {
                errors.append(
                    FieldError(field: "sku", message: "must be 1 to 64 letters, digits, '-', '_' or '.'"))
            }
        } else if required {
            missing("sku")
        }
        if let name {
            if name.isEmpty || name.count > 200 {
                errors.append(FieldError(field: "name", message: "must be 1 to 200 characters"))
            }
        } else if required {
            missing("name")
        }
        if let description, description.count > 5000 {
            errors.append(FieldError(field: "description", message: "must be at most 5000 characters"))
        }
        if let price {
            if price <= 0 || price > ProductRules.maximumPrice {
                errors.append(
                    FieldError(field: "price", message: "must be a positive integer in minor units (at most 10^12)"))
            }
        } else if required {
            missing("price")
        }
        if let currency {
            if !ProductRules.isCurrency(currency) {
                errors.append(FieldError(field: "currency", message: "must be an ISO 4217 code: three uppercase letters"))
            }
        } else if required {
            missing("currency")
        }
        if let categoryID {
            if categoryID.isEmpty { errors.append(FieldError(field: "category_id", message: "must be a category id")) }
        } else if required {
            missing("category_id")
        }
        if let images { errors += ProductRules.imageProblems(images) }
        if let attributes { errors += ProductRules.attributeProblems(attributes) }
        if let options { errors += OptionRules.problems(options) }
        return errors
    }
}

/// The rules a product's fields follow.
enum ProductRules {
    static let maximumPrice = 1_000_000_000_000
    static let maximumImages = 20
    static let maximumAttributes = 50

    static func isSKU(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }

    static func isCurrency(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }

    static func imageProblems(_ images: [String]) -> [FieldError] {
        if images.count > maximumImages {
            return [FieldError(field: "images", message: "must list at most \(maximumImages) URLs")]
        }
        return images.enumerated().compactMap { index, text in
            isImageURL(text) ? nil : FieldError(field: "images[\(index)]", message: "must be an http or https URL")
        }
    }

    static func isImageURL(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, !text.contains(where: { $0.isWhitespace }), let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    /// Attribute values are strings, numbers or booleans: a flat bag for filtering and display.
    static func attributeProblems(_ attributes: [String: JSONValue]) -> [FieldError] {
        if attributes.count > maximumAttributes {
            return [FieldError(field: "attributes", message: "must have at most \(maximumAttributes) keys")]
        }
        var errors: [FieldError] = []
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty || key.count > 64 {
                errors.append(FieldError(field: "attributes", message: "keys must be 1 to 64 characters"))
                continue
            }
            switch value {
            case .string(let text) where text.count <= 500: break
            case .string: errors.append(FieldError(field: "attributes.\(key)", message: "must be at most 500 characters"))
            case .integer, .number, .bool: break
            default: errors.append(FieldError(field: "attributes.\(key)", message: "must be a string, number or boolean"))
            }
        }
        return errors
    }
}
