import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Catalog

/// The shop with an admin, a customer and a service token, and shortcuts for the catalog's
/// routes. Every instance has its own fresh stores.
struct CatalogShop {
    let shop: ShopHost
    let admin: String
    let customer: String
    let service: String

    static func start(configuration: HostConfiguration = TestHost.defaultConfiguration()) async throws -> CatalogShop {
        let shop = try await ShopHost.start(configuration: configuration)
        let admin = try await shop.admin()
        let customer = try await shop.customer("ann@example.com")
        let service = try await shop.serviceToken()
        return CatalogShop(shop: shop, admin: admin, customer: customer, service: service)
    }

    var store: Store { shop.store("catalog") }

    func shutdown() async { #expect(await shop.shutdown()) }

    // MARK: Admin shortcuts

    @discardableResult
    func category(_ name: String, slug: String? = nil, parent: String? = nil) async throws -> CategoryNode {
        var body: [String: String] = ["name": name]
        body["slug"] = slug
        body["parent_id"] = parent
        let response = try await shop.request("POST", "/categories", token: admin, json: body)
        guard response.status == 201 else { throw ShopTestError("category \(name): \(response.status) \(response.text)") }
        return try response.json(CategoryNode.self)
    }

    @discardableResult
    func product(
        _ sku: String, name: String? = nil, description: String = "", price: Int = 1000, category: String,
        onHand: Int = 10, images: [String] = [], attributes: [String: JSONValue] = [:]
    ) async throws -> ProductView {
        let body = NewProduct(
            sku: sku, name: name ?? "Product \(sku)", description: description, price: price, currency: "KES",
            categoryID: category, images: images, attributes: attributes, onHand: onHand)
        let response = try await shop.request("POST", "/products", token: admin, json: body)
        guard response.status == 201 else { throw ShopTestError("product \(sku): \(response.status) \(response.text)") }
        return try response.json(ProductView.self)
    }

    func get(_ id: String) async throws -> ProductView {
        let response = await shop.request("GET", "/products/\(id)")
        guard response.status == 200 else { throw ShopTestError("get \(id): \(response.status) \(response.text)") }
        return try response.json(ProductView.self)
    }

    func list(_ query: String) async throws -> Page {
        let response = await shop.request("GET", "/products?\(query)")
        guard response.status == 200 else { throw ShopTestError("list \(query): \(response.status) \(response.text)") }
        return try response.json(Page.self)
    }

    /// Every product the listing yields for `query`, page by page (with the page size given).
    func walk(_ query: String, limit: Int) async throws -> (items: [ProductView], pages: Int) {
        var items: [ProductView] = []
        var cursor: String?
        var pages = 0
        repeat {
            let encoded = cursor.map { "&cursor=\($0)" } ?? ""
            let page = try await list("\(query)&limit=\(limit)\(encoded)")
            #expect(page.items.count <= limit)
            items += page.items
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 1000
        return (items, pages)
    }

    // MARK: Internal routes, with the service token

    func reserve(_ order: String, _ lines: [(ProductView, Int)], ttl: Int? = nil) async throws -> TestResponse {
        try await shop.request(
            "POST", "/internal/inventory/reserve", token: service,
            json: ReserveBody(
                orderID: order, lines: lines.map { .init(productID: $0.0.id, quantity: $0.1) }, ttlSeconds: ttl))
    }

    func settle(_ action: String, _ order: String) async throws -> TestResponse {
        try await shop.request("POST", "/internal/inventory/\(action)", token: service, json: ["order_id": order])
    }

    func available(_ product: ProductView) async throws -> Int { try await get(product.id).available }
}

struct NewProduct: Encodable {
    var sku: String
    var name: String
    var description: String
    var price: Int
    var currency: String
    var categoryID: String
    var images: [String]
    var attributes: [String: JSONValue]
    var onHand: Int?

    enum CodingKeys: String, CodingKey {
        case sku, name, description, price, currency, images, attributes
        case categoryID = "category_id"
        case onHand = "on_hand"
    }
}

struct ReserveBody: Encodable {
    var orderID: String
    var lines: [StockReservations.Line]
    var ttlSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case lines
        case ttlSeconds = "ttl_seconds"
    }
}

struct Page: Decodable {
    var items: [ProductView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

extension TestResponse {
    var fields: [String] { problem?.errors?.map(\.field) ?? [] }
}
