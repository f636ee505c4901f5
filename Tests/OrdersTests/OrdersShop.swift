import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Orders

/// The whole shop with an admin, a service token and shortcuts for products, carts and orders.
/// Every instance has fresh stores.
struct OrdersShop {
    let shop: ShopHost
    let admin: String
    let service: String
    let category: String

    static func start(
        environment: [String: String] = [:], configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws -> OrdersShop {
        let shop = try await ShopHost.start(environment: environment, configuration: configuration)
        let admin = try await shop.admin()
        let service = try await shop.serviceToken()
        let created = try await shop.request("POST", "/categories", token: admin, json: ["name": "Things"])
        guard created.status == 201 else { throw ShopTestError("category: \(created.status) \(created.text)") }
        let category = try created.json(Identified.self).id
        return OrdersShop(shop: shop, admin: admin, service: service, category: category)
    }

    var orders: Store { shop.store("orders") }

    func shutdown() async { #expect(await shop.shutdown()) }

    // MARK: Catalog and cart

    /// A new product (price in KES minor units) with `onHand` units; returns its id.
    func product(_ sku: String, price: Int, onHand: Int) async throws -> String {
        let body = NewProduct(
            sku: sku, name: "Product \(sku)", description: "", price: price, currency: "KES", categoryID: category,
            onHand: onHand)
        let response = try await shop.request("POST", "/products", token: admin, json: body)
        guard response.status == 201 else { throw ShopTestError("product \(sku): \(response.status) \(response.text)") }
        return try response.json(Identified.self).id
    }

    /// The product's `available` as the public catalog shows it.
    func available(_ productID: String) async throws -> Int {
        let response = await shop.request("GET", "/products/\(productID)")
        guard response.status == 200 else { throw ShopTestError("get \(productID): \(response.status) \(response.text)") }
        return try response.json(Availability.self).available
    }

    func addToCart(_ token: String, _ productID: String, quantity: Int) async throws {
        let response = try await shop.request(
            "POST", "/cart/items", token: token, json: CartItem(productID: productID, quantity: quantity))
        guard (200..<300).contains(response.status) else {
            throw ShopTestError("add to cart: \(response.status) \(response.text)")
        }
    }

    // MARK: Orders

    static let address = AddressBody(name: "Ann Wanjiru", line1: "1 Moi Avenue", city: "Nairobi", country: "ke")

    func placeOrder(_ token: String, key: String? = UUID().uuidString, address: AddressBody = OrdersShop.address) async throws
        -> TestResponse
    {
        try await shop.request(
            "POST", "/orders", token: token, headers: key.map { [("Idempotency-Key", $0)] } ?? [],
            json: PlaceOrderBody(shippingAddress: address))
    }

    /// Places an order that must succeed (201) and returns it.
    func order(_ token: String, key: String = UUID().uuidString) async throws -> OrderDocument {
        let response = try await placeOrder(token, key: key)
        guard response.status == 201 else { throw ShopTestError("place order: \(response.status) \(response.text)") }
        return try response.json(OrderDocument.self)
    }

    func count(_ sql: String, _ parameters: [SQLValue] = []) async throws -> Int {
        try await orders.query(sql, parameters).first?.int("n") ?? -1
    }

    /// The events in the orders outbox, oldest first.
    func events() async throws -> [(name: String, payload: OrderEvent)] {
        try await orders.query("SELECT name, payload FROM soko_outbox ORDER BY seq", []).map { row in
            let payload = try JSONCoding.decode(OrderEvent.self, from: Array((try row.string("payload") ?? "").utf8))
            return (try row.string("name") ?? "", payload)
        }
    }

    /// A context for the orders service as the scheduler would make it, calling other services
    /// with the service token; its clock `clock`.
    func context(function: String = "expireOrders", clock: WallClock = .system) -> FunctionContext {
        FunctionContext(
            requestID: "orders-test", deadline: .now + .seconds(30), service: "orders", function: function,
            request: FunctionRequest(method: "SCHEDULE", path: "/"), store: orders,
            invoker: ServiceCalls(shop: shop, token: service), clock: clock, logger: Logger(label: "orders-test"))
    }
}

/// Calls the catalog's and cart's internal routes through the shop's router with a service token
/// (what the host does for a remote callee), for contexts a test builds itself.
struct ServiceCalls: FunctionInvoker {
    let shop: ShopHost
    let token: String

    static let routes = [
        "catalog.lookupProducts": "/internal/catalog/lookup", "catalog.reserveStock": "/internal/inventory/reserve",
        "catalog.releaseStock": "/internal/inventory/release", "catalog.commitStock": "/internal/inventory/commit",
        "cart.checkoutCart": "/internal/cart/checkout",
    ]

    func invoke(service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext) async throws
        -> FunctionResponse
    {
        guard let path = Self.routes["\(service).\(function)"] else { throw ShopTestError("no route for \(function)") }
        let response = await shop.request("POST", path, token: token, body: body)
        return FunctionResponse(status: response.status, headers: response.headers, body: response.body)
    }
}

// MARK: Wire shapes

struct AccessToken: Decodable {
    var accessToken: String
    enum CodingKeys: String, CodingKey { case accessToken = "access_token" }
}

struct Availability: Decodable { var available: Int }

struct CartItem: Encodable {
    var productID: String
    var quantity: Int
    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case quantity
    }
}

struct AddressBody: Encodable {
    var name: String?
    var line1: String?
    var line2: String? = nil
    var city: String?
    var postalCode: String? = nil
    var country: String?
    var phone: String? = nil
    enum CodingKeys: String, CodingKey {
        case name, line1, line2, city, country, phone
        case postalCode = "postal_code"
    }
}

struct PlaceOrderBody: Encodable {
    var shippingAddress: AddressBody
    enum CodingKeys: String, CodingKey { case shippingAddress = "shipping_address" }
}

struct OrderDocument: Decodable, Equatable {
    struct Line: Decodable, Equatable {
        var productID: String
        var sku: String
        var name: String
        var unitPrice: Int
        var quantity: Int
        var lineTotal: Int
        enum CodingKeys: String, CodingKey {
            case sku, name, quantity
            case productID = "product_id"
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
        }
    }
    struct Address: Decodable, Equatable {
        var name: String
        var line1: String
        var line2: String?
        var city: String
        var postalCode: String?
        var country: String
        var phone: String?
        enum CodingKeys: String, CodingKey {
            case name, line1, line2, city, country, phone
            case postalCode = "postal_code"
        }
    }
    var id: String
    var customerID: String
    var status: String
    var currency: String
    var subtotal: Int
    var shipping: Int
    var tax: Int
    var total: Int
    var lines: [Line]
    var shippingAddress: Address
    var carrier: String?
    var trackingNumber: String?
    var createdAt: String
    var updatedAt: String
    enum CodingKeys: String, CodingKey {
        case id, status, currency, subtotal, shipping, tax, total, lines, carrier
        case customerID = "customer_id"
        case shippingAddress = "shipping_address"
        case trackingNumber = "tracking_number"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

struct OrderList: Decodable {
    var orders: [OrderDocument]
    var nextCursor: String?
    enum CodingKeys: String, CodingKey {
        case orders = "items"
        case nextCursor = "next_cursor"
    }
}
