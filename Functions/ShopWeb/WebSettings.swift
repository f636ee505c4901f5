import Crypto
import SokoFunctions

/// The web pages' settings, read once when a page bundle registers.
///
/// | variable | meaning | default (development only) |
/// |---|---|---|
/// | `SOKO_WEB_SECRET` (or `…_FILE`) | key that signs the pages' CSRF tokens, 32+ characters | random per process |
/// | `SOKO_STRIPE_PUBLISHABLE_KEY` | `pk_…` the card page hands to Stripe.js | `pk_test_sandbox` |
/// | `SOKO_STRIPE_JS_URL` | where the card page loads Stripe.js in live mode | `https://js.stripe.com/v3/` |
/// | `SOKO_SHOP_NAME` | the name in the pages' header | `Soko` |
///
/// In production the secret is required (a random one per process would reject forms posted to
/// another replica) and a sandbox publishable key is refused: the host refuses to start, naming it.
/// Cookies are `Secure` except in development, where `scripts/run.sh` serves plain HTTP.
public struct WebSettings: Sendable {
    /// The CSRF signing key's bytes.
    public var secret: [UInt8]
    public var publishableKey: String
    public var stripeJSURL: String
    public var shopName: String
    public var secureCookies: Bool

    /// The sandbox's publishable key: the card page then offers its test cards instead of Stripe.js.
    public static let sandboxPublishableKey = "pk_test_sandbox"

    public var usesSandbox: Bool { publishableKey == Self.sandboxPublishableKey }

    public init(secret: [UInt8], publishableKey: String, shopName: String = "Soko", secureCookies: Bool) {
        self.secret = secret
        self.publishableKey = publishableKey
        self.stripeJSURL = "https://js.stripe.com/v3/"
        self.shopName = shopName
        self.secureCookies = secureCookies
    }

    /// Reads the variables; throws naming the first one a production shop cannot run with.
    public init(environment: [String: String], mode: RunMode) throws(WebSettingsError) {
        let production = mode == .production
        if let text = environment["SOKO_WEB_SECRET"], !text.isEmpty {
            guard text.utf8.count >= 32 else {
                throw WebSettingsError(variable: "SOKO_WEB_SECRET", problem: "must be at least 32 characters")
            }
            secret = Array(text.utf8)
        } else if production {
            throw WebSettingsError(variable: "SOKO_WEB_SECRET", problem: "is required in production (it signs CSRF tokens)")
        } else {
            secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        let key = environment["SOKO_STRIPE_PUBLISHABLE_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if production {
            guard let key, key.hasPrefix("pk_"), key != Self.sandboxPublishableKey else {
                throw WebSettingsError(
                    variable: "SOKO_STRIPE_PUBLISHABLE_KEY", problem: "must be Stripe's pk_… key in production")
            }
        } else if let key, !key.hasPrefix("pk_") {
            throw WebSettingsError(variable: "SOKO_STRIPE_PUBLISHABLE_KEY", problem: "must start with pk_")
        }
        publishableKey = key ?? Self.sandboxPublishableKey
        stripeJSURL = environment["SOKO_STRIPE_JS_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://js.stripe.com/v3/"
        shopName = environment["SOKO_SHOP_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "Soko"
        secureCookies = production
    }
}

/// A web setting the pages cannot run with.
public struct WebSettingsError: Error, CustomStringConvertible {
    public var variable: String
    public var problem: String
    public var description: String { "\(variable): \(problem)" }
}
