import ShopTesting
import SokoFunctions
import SokoTesting

/// The shop with a category and products made through the catalog's admin API.
struct StorefrontShop {
    let shop: ShopHost
    let admin: String
    let category: String

    static func start(environment: [String: String] = [:]) async throws -> StorefrontShop {
        let shop = try await ShopHost.start(environment: environment)
        let admin = try await shop.admin()
        let made = try await shop.request("POST", "/categories", token: admin, json: ["name": "Kitchen", "slug": "kitchen"])
        guard made.status == 201 else { throw ShopTestError("createCategory: \(made.status) \(made.text)") }
        return StorefrontShop(shop: shop, admin: admin, category: try made.json(Identified.self).id)
    }

    func product(_ name: String, sku: String, price: Int = 150_000, onHand: Int = 5) async throws -> String {
        let made = try await shop.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: sku, name: name, description: "for the storefront tests", price: price, currency: "KES",
                categoryID: category, onHand: onHand))
        guard made.status == 201 else { throw ShopTestError("createProduct: \(made.status) \(made.text)") }
        return try made.json(Identified.self).id
    }
}
