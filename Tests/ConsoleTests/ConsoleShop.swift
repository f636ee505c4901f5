import Foundation
import ShopTesting
import ShopWeb
import SokoFunctions
import SokoTesting
import Testing

/// The whole shop with the console, and a browser of sorts: requests carry the session cookies a
/// browser would (the admin's or a customer's token, a browser id) and forms carry the CSRF token
/// the pages would have put in them.
struct ConsoleShop {
    let shop: ShopHost
    let admin: String
    /// The CSRF key the console signs with (`SOKO_WEB_SECRET`).
    let csrf: CSRF
    static let secret = "console-tests-secret-0123456789abcdef"
    /// A browser id as the pages set it (base64url of 16 bytes).
    static let browserID = Base64URL.encode(Array(repeating: 7, count: 16))

    static func start() async throws -> ConsoleShop {
        let shop = try await ShopHost.start(environment: ["SOKO_WEB_SECRET": secret])
        let admin = try await shop.admin()
        let settings = try WebSettings(environment: ["SOKO_WEB_SECRET": secret], mode: .development)
        return ConsoleShop(shop: shop, admin: admin, csrf: CSRF(secret: settings.secret))
    }

    func shutdown() async { #expect(await shop.shutdown()) }

    /// The cookies of a browser signed in with `token` (none: signed out).
    func cookies(_ token: String?) -> String {
        var pairs = ["\(WebSession.Cookie.browser)=\(Self.browserID)"]
        if let token { pairs.append("\(WebSession.Cookie.accessToken)=\(token)") }
        return pairs.joined(separator: "; ")
    }

    /// A page as the browser signed in with `token` asks for it.
    func get(_ path: String, as token: String?) async -> TestResponse {
        await shop.request("GET", path, headers: [("Cookie", cookies(token))])
    }

    /// A form posted by the browser signed in with `token`; `csrf` nil: the page's own token,
    /// "" : none at all, else that value.
    func post(_ path: String, _ fields: [(String, String)], as token: String?, csrf: String? = nil) async -> TestResponse {
        var fields = fields
        let value = csrf ?? self.csrf.token(for: Self.browserID)
        if !value.isEmpty { fields.append((CSRF.field, value)) }
        return await shop.request(
            "POST", path,
            headers: [("Cookie", cookies(token)), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(fields).utf8))
    }

    /// A category through the JSON API; its id.
    func category(_ name: String) async throws -> String {
        let response = try await shop.request("POST", "/categories", token: admin, json: ["name": name])
        guard response.status == 201 else { throw ShopTestError("category: \(response.status) \(response.text)") }
        return try response.json(Identified.self).id
    }

    /// A kettle (KETTLE, KES 2,500, five in stock) in a new "Kitchen" category; its id.
    func kettle() async throws -> String {
        let category = try await category("Kitchen")
        let response = try await shop.request(
            "POST", "/products", token: admin,
            json: [
                "sku": JSONValue.string("KETTLE"), "name": .string("Kettle"), "price": .integer(250_000),
                "currency": .string("KES"), "category_id": .string(category), "on_hand": .integer(5),
            ])
        guard response.status == 201 else { throw ShopTestError("product: \(response.status) \(response.text)") }
        return try response.json(Identified.self).id
    }
}
