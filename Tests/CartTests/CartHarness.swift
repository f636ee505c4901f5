import Contracts
import Foundation
import SokoFunctions
import Synchronization

@testable import Cart

/// `catalog.lookupProducts` answered from a table the test edits, so the cart's rules can be
/// checked without the Catalog bundle.
final class FakeCatalog: FunctionInvoker {
    private let products = Mutex<[String: ProductSummary]>([:])

    /// Adds or replaces a product (KES, 10 available, not archived unless said).
    func put(
        _ id: String, price: Int = 1_000, currency: String = "KES", available: Int = 10, archived: Bool = false
    ) {
        products.withLock {
            $0[id] = ProductSummary(
                id: id, sku: "SKU-\(id)", name: "Product \(id)", price: price, currency: currency, available: available,
                archived: archived, imageURL: "https://img.test/\(id).jpg")
        }
    }

    /// Adds or replaces a product sold as variants: `variants` maps each variant id to its
    /// `(available, archived)`; each is priced at `price` and named `Size: <id>`.
    func put(_ id: String, price: Int = 1_000, variants: [String: (available: Int, archived: Bool)]) {
        products.withLock {
            $0[id] = ProductSummary(
                id: id, sku: "SKU-\(id)", name: "Product \(id)", price: price, currency: "KES",
                available: variants.values.filter { !$0.archived }.reduce(0) { $0 + $1.available }, archived: false,
                variants: variants.keys.sorted().map { variant in
                    VariantSummary(
                        id: variant, sku: "SKU-\(id)-\(variant)", options: ["Size": variant], optionText: "Size: \(variant)",
                        price: price, available: variants[variant]!.available, archived: variants[variant]!.archived)
                })
        }
    }

    func delete(_ id: String) { _ = products.withLock { $0.removeValue(forKey: id) } }

    func invoke(
        service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext
    ) async throws -> FunctionResponse {
        guard service == "catalog", function == "lookupProducts" else {
            return try .json(Problem(status: 404, code: "no-such-function", detail: "\(service).\(function)"), status: 404)
        }
        let input = try JSONCoding.decode(ProductLookup.self, from: body)
        let found = products.withLock { table in input.productIDs.compactMap { table[$0] } }
        return try .json(ProductSummaries(products: found))
    }
}

/// The Cart bundle's registered handlers over a fresh SQLite store, called the way the host calls
/// them (identity and headers already settled by the auth policy), with ``FakeCatalog`` behind
/// `context.invoke`.
final class CartHarness: Sendable {
    let store: SQLiteStore
    let catalog = FakeCatalog()
    let compute = ComputePool(threads: 1)
    let registry: FunctionRegistry
    private let folder: String

    init(environment: [String: String] = [:]) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-cart-\(UUID().uuidString)").path
        store = try SQLiteStore(path: folder + "/cart.sqlite")
        for statement in HostTables.statements(for: .sqlite) { _ = try await store.execute(statement, []) }
        _ = try await Migrator.migrate(store, migrations: CartBundle.migrations)
        registry = CartBundle.registry(environment: environment, compute: compute)
    }

    func close() async {
        await store.close()
        compute.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A context as the host builds it for `function`, its clock `clock`.
    func context(
        _ function: String, customer: String? = nil, service: Bool = false, cartToken: String? = nil,
        productID: String? = nil, query: [(String, String)] = [], clock: WallClock = .system
    ) -> FunctionContext {
        var headers = HTTPHeaders()
        if let cartToken { headers.add("X-Cart-Token", cartToken) }
        let identity =
            service
            ? CallerIdentity(subject: "orders", roles: ["service"], isService: true)
            : customer.map { CallerIdentity(subject: $0, roles: ["customer"]) }
        let request = FunctionRequest(
            method: "POST", path: "/cart", query: QueryParameters(query), headers: headers,
            pathParameters: productID.map { ["product_id": $0] } ?? [:])
        return FunctionContext(
            requestID: "test", deadline: .now + .seconds(5), identity: identity, service: "cart", function: function,
            request: request, store: store, invoker: catalog, clock: clock, logger: Logger(label: "cart-test"))
    }

    /// Calls `function` with `body`; a thrown problem becomes its status and code, as the host renders it.
    func call(
        _ function: String, customer: String? = nil, service: Bool = false, cartToken: String? = nil,
        productID: String? = nil, query: [(String, String)] = [], body: String = "", clock: WallClock = .system
    ) async -> Answer {
        let context = context(
            function, customer: customer, service: service, cartToken: cartToken, productID: productID, query: query,
            clock: clock)
        var request = context.request
        request.body = Array(body.utf8)
        do {
            let response = try await registry.handlers[function]!(request, context: context)
            return Answer(status: response.status, headers: response.headers, body: response.body, problem: nil)
        } catch let error as any ProblemConvertible {
            return Answer(status: error.problem.status, headers: error.headers, body: [], problem: error.problem)
        } catch {
            return Answer(status: 500, headers: HTTPHeaders(), body: Array("\(error)".utf8), problem: nil)
        }
    }

    // The public functions, spelled the way tests read best.

    func get(customer: String? = nil, token: String? = nil) async -> Answer {
        await call("getCart", customer: customer, cartToken: token)
    }

    func add(_ product: String, _ quantity: Int, customer: String? = nil, token: String? = nil) async -> Answer {
        await call(
            "addToCart", customer: customer, cartToken: token,
            body: #"{"product_id":"\#(product)","quantity":\#(quantity)}"#)
    }

    func update(_ product: String, _ quantity: Int, customer: String? = nil, token: String? = nil) async -> Answer {
        await call(
            "updateCartItem", customer: customer, cartToken: token, productID: product, body: #"{"quantity":\#(quantity)}"#)
    }

    func remove(_ product: String, customer: String? = nil, token: String? = nil) async -> Answer {
        await call("removeCartItem", customer: customer, cartToken: token, productID: product)
    }

    func clear(customer: String? = nil, token: String? = nil) async -> Answer {
        await call("clearCart", customer: customer, cartToken: token)
    }

    /// The single integer `n` a counting query returns.
    func count(_ sql: String) async throws -> Int {
        try await store.query(sql, []).first?.int("n") ?? -1
    }
}

/// A handler's answer.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var problem: Problem?

    var code: String? { problem?.code }

    /// The body as a cart.
    func cart() throws -> CartWire { try JSONCoding.decode(CartWire.self, from: body) }
}

/// The cart as a client reads it.
struct CartWire: Decodable, Equatable {
    var id: String?
    var items: [Item]
    var subtotal: Int
    var currency: String?
    var itemCount: Int
    var cartToken: String?

    struct Item: Decodable, Equatable {
        var productID: String
        var sku: String?
        var name: String?
        var imageURL: String?
        var unitPrice: Int?
        var currency: String?
        var quantity: Int
        var lineTotal: Int?
        var available: Int?
        var warning: String?

        enum CodingKeys: String, CodingKey {
            case sku, name, currency, quantity, available, warning
            case productID = "product_id"
            case imageURL = "image_url"
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, items, subtotal, currency
        case itemCount = "item_count"
        case cartToken = "cart_token"
    }

    /// `product_id:quantity` for every line, in order.
    var lines: [String] { items.map { "\($0.productID):\($0.quantity)" } }
}
