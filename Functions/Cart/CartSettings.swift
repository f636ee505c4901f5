import SokoFunctions

/// The Cart bundle's settings, read from the environment once, when it registers.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SOKO_MAX_LINE_QUANTITY` | units of one product a cart line (and an order line) may hold, 1–99 | 20 |
///
/// The Orders bundle reads the same variable and refuses an order line above it; the cart refuses
/// it earlier, so the shopper learns at once. Merging a guest cart at sign-in still sums up to the
/// schema's ceiling of 99 (``CartLimits/maxQuantity``): placing the order then names the line.
public struct CartSettings: Sendable, Equatable {
    public var maxLineQuantity: Int

    public static let defaults = CartSettings(maxLineQuantity: 20)

    public init(maxLineQuantity: Int) {
        self.maxLineQuantity = maxLineQuantity
    }

    /// Reads the variables over the defaults; a malformed value is refused, naming it.
    public init(environment: [String: String]) throws(CartSettingsError) {
        self = .defaults
        if let text = environment["SOKO_MAX_LINE_QUANTITY"] {
            guard let value = Int(text), (1...CartLimits.maxQuantity).contains(value) else {
                throw CartSettingsError(
                    variable: "SOKO_MAX_LINE_QUANTITY", value: text, expected: "an integer in 1...\(CartLimits.maxQuantity)")
            }
            maxLineQuantity = value
        }
    }
}

/// A Cart setting the bundle cannot run with.
public struct CartSettingsError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "\(variable)=\"\(value)\" is not valid: expected \(expected)" }
}
