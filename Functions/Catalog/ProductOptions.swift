import SokoFunctions

/// One of a product's options, such as `{"name": "Size", "values": ["S", "M", "L"]}`.
///
/// A product that declares options is sold only as its variants (docs/commerce.md, "Variants"):
/// each variant picks one value of every option.
struct ProductOption: Codable, Sendable, Equatable {
    var name: String
    var values: [String]
}

/// The rules options and variants follow.
enum OptionRules {
    static let maximumOptions = 3
    static let maximumValues = 30
    static let maximumVariants = 100
    /// Joins a variant's values into its `option_key` (a character no value may hold).
    static let keySeparator = "\u{1F}"

    /// Trims names and values (`" M "` is `"M"`).
    static func normalised(_ options: [ProductOption]) -> [ProductOption] {
        options.map { ProductOption(name: $0.name.trimmingWhitespace(), values: $0.values.map { $0.trimmingWhitespace() }) }
    }

    static func problems(_ options: [ProductOption]) -> [FieldError] {
        if options.count > maximumOptions {
            return [FieldError(field: "options", message: "must list at most \(maximumOptions) options")]
        }
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, option) in options.enumerated() {
            if !isText(option.name) {
                errors.append(FieldError(field: "options[\(index)].name", message: "must be 1 to 50 characters"))
            } else if !names.insert(option.name.lowercased()).inserted {
                errors.append(FieldError(field: "options[\(index)].name", message: "is listed twice"))
            }
            if option.values.isEmpty || option.values.count > maximumValues {
                errors.append(FieldError(field: "options[\(index)].values", message: "must list 1 to \(maximumValues) values"))
            }
            var seen = Set<String>()
            for (position, value) in option.values.enumerated() {
                if !isText(value) {
                    errors.append(
                        FieldError(field: "options[\(index)].values[\(position)]", message: "must be 1 to 50 characters"))
                } else if !seen.insert(value.lowercased()).inserted {
                    errors.append(FieldError(field: "options[\(index)].values[\(position)]", message: "is listed twice"))
                }
            }
        }
        return errors
    }

    /// 1 to 50 characters, no control characters (the key separator among them).
    static func isText(_ text: String) -> Bool {
        (1...50).contains(text.count) && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The variant's choice matched against the product's options: each option named exactly
    /// once, with one of its values. Returns the values in option order, or the problems.
    static func match(_ choice: [String: String], to options: [ProductOption]) -> Result<[String], FunctionError> {
        var values: [String] = []
        var errors: [FieldError] = []
        for option in options {
            guard let value = choice[option.name]?.trimmingWhitespace() else {
                errors.append(FieldError(field: "options.\(option.name)", message: "is required"))
                continue
            }
            if option.values.contains(value) {
                values.append(value)
            } else {
                errors.append(
                    FieldError(
                        field: "options.\(option.name)", message: "must be one of \(option.values.joined(separator: ", "))"))
            }
        }
        for name in choice.keys.sorted() where !options.contains(where: { $0.name == name }) {
            errors.append(FieldError(field: "options.\(name)", message: "is not an option of this product"))
        }
        guard errors.isEmpty else { return .failure(FunctionError.validation(errors)) }
        return .success(values)
    }

    static func key(_ values: [String]) -> String { values.joined(separator: keySeparator) }

    /// `"Size: M, Colour: Red"`, in the product's option order.
    static func text(_ choice: [String: String], options: [ProductOption]) -> String {
        options.compactMap { option in choice[option.name].map { "\(option.name): \($0)" } }.joined(separator: ", ")
    }
}
