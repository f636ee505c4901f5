import ShopWeb
import SokoFunctions

/// The console's web settings, read once at registration: what `WebSettings` reads for the
/// storefront less the Stripe keys, which the console never uses — so a console pod in production
/// needs `SOKO_WEB_SECRET` (32+ characters, it signs the CSRF tokens) and nothing about cards.
///
/// | variable | meaning | default (development only) |
/// |---|---|---|
/// | `SOKO_WEB_SECRET` (or `…_FILE`) | key that signs the console's CSRF tokens | random per process |
/// | `SOKO_SHOP_NAME` | the name in the console's header | `Soko` |
enum ConsoleSettings {
    static func web(environment: [String: String], mode: RunMode) throws(ConsoleSettingsError) -> WebSettings {
        let secret: [UInt8]
        if let text = environment["SOKO_WEB_SECRET"], !text.isEmpty {
            guard text.utf8.count >= 32 else {
                throw ConsoleSettingsError(variable: "SOKO_WEB_SECRET", problem: "must be at least 32 characters")
            }
            secret = Array(text.utf8)
        } else if mode == .production {
            throw ConsoleSettingsError(variable: "SOKO_WEB_SECRET", problem: "is required in production (it signs CSRF tokens)")
        } else {
            var generator = SystemRandomNumberGenerator()
            secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return WebSettings(
            secret: secret, publishableKey: WebSettings.sandboxPublishableKey,
            shopName: environment["SOKO_SHOP_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "Soko",
            secureCookies: mode != .development)
    }
}

/// A setting the console cannot run with; the host refuses to start, naming the variable.
struct ConsoleSettingsError: Error, CustomStringConvertible {
    var variable: String
    var problem: String
    var description: String { "\(variable): \(problem)" }
}
