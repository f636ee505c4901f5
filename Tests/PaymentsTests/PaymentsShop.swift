import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Testing

@testable import Payments

/// The whole shop (real manifests, stores, invocation and relay) with a customer and an order
/// awaiting payment; handlers that reach a gateway are called with a context that carries a
/// ``FakeGateway`` (the host's own outgoing client is not wired into test hosts yet).
struct PaymentsShop {
    let shop: ShopHost
    let admin: String
    let customer: String
    let customerID: String
    let gateways: Gateways
    let fake: FakeGateway

    /// Gateway URLs point at a closed port, so nothing outside the test is ever reached.
    static let environment = ["SOKO_PUBLIC_URL": "http://127.0.0.1:9", "SOKO_STRIPE_WEBHOOK_SECRETS": "whsec_test,whsec_next"]

    static func start(
        fake: FakeGateway = FakeGateway(), configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws -> PaymentsShop {
        let shop = try await ShopHost.start(environment: environment, configuration: configuration)
        let admin = try await shop.admin()
        let customer = try await shop.customer("ann@example.com")
        // From the users store, not GET /users/me (2 s timeout): a loaded machine must not fail the set-up.
        let customerID = try #require(
            try await shop.store("users").query("SELECT id FROM users WHERE email = $1", [.text("ann@example.com")]).first?
                .string("id"))
        let settings = try PaymentsSettings(environment: environment)
        return PaymentsShop(
            shop: shop, admin: admin, customer: customer, customerID: customerID, gateways: Gateways(settings: settings),
            fake: fake)
    }

    /// Runs `body` with a fresh shop, shutting it down afterwards (also when `body` throws).
    static func with(
        fake: FakeGateway = FakeGateway(), configuration: HostConfiguration = TestHost.defaultConfiguration(),
        _ body: (PaymentsShop) async throws -> Void
    ) async throws {
        let shop = try await start(fake: fake, configuration: configuration)
        do {
            try await body(shop)
        } catch {
            await shop.shutdown()
            throw error
        }
        await shop.shutdown()
    }

    var payments: Store { shop.store("payments") }

    func shutdown() async { #expect(await shop.shutdown()) }

    /// Places an order of one product priced `price` (minor units of `currency`) and returns its id.
    func order(price: Int = 123_450, currency: String = "KES", token: String? = nil) async throws -> String {
        let sku = "SKU-\(UUID().uuidString.prefix(8))"
        let category = try await shop.request("POST", "/categories", token: admin, json: ["name": sku])
        let categoryID = try category.json(Identified.self).id
        let product = try await shop.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: sku, name: "Kikoi", description: "", price: price, currency: currency, categoryID: categoryID,
                onHand: 10))
        guard product.status == 201 else { throw ShopTestError("product: \(product.status) \(product.text)") }
        let productID = try product.json(Identified.self).id
        let placed = try await shop.request(
            "POST", "/orders", token: token ?? customer, headers: [("Idempotency-Key", UUID().uuidString)],
            json: PlaceOrderBody(items: [.init(productID: productID, quantity: 1)]))
        guard placed.status == 201 else { throw ShopTestError("order: \(placed.status) \(placed.text)") }
        return try placed.json(Identified.self).id
    }

    /// A context for `function` as the host would make it, with `identity`, path parameters, the
    /// fake gateway and `clock` (the system's unless a test sets the time).
    func context(
        _ function: String, subject: String? = nil, roles: Set<String> = ["customer"], path: [String: String] = [:],
        clock: WallClock = .system
    ) throws -> FunctionContext {
        let base = try shop.context("payments", function)
        return FunctionContext(
            requestID: "payments-test", deadline: .now + .seconds(30),
            identity: CallerIdentity(subject: subject ?? customerID, roles: roles), service: "payments", function: function,
            request: FunctionRequest(method: "POST", path: "/", pathParameters: path), store: base.store,
            invoker: base.invoker, outgoing: fake, clock: clock, logger: Logger(label: "payments-test"))
    }

    /// Calls payOrder for `orderID` as the customer (or `subject`).
    func pay(_ orderID: String, method: String, phone: String? = nil, subject: String? = nil) async throws -> Reply<
        PayOrder.Started
    > {
        try await PayOrder(gateways: gateways).run(
            PayOrder.Input(method: method, phone: phone),
            context: context("payOrder", subject: subject, path: ["id": orderID]))
    }

    func payment(_ id: String) async throws -> Payment {
        guard let payment = try await PaymentRepository.find(id: id, in: payments) else {
            throw ShopTestError("no payment \(id)")
        }
        return payment
    }

    func orderStatus(_ orderID: String) async throws -> String {
        let response = await shop.request("GET", "/orders/\(orderID)", token: admin)
        return try response.json(StatusOnly.self).status
    }

    /// Waits (polling, with a deadline) until the order has `status` — for effects the relay delivers.
    func waitForOrder(_ orderID: String, status: String, within: Duration = .seconds(10)) async throws -> Bool {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if try await orderStatus(orderID) == status { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The names of the events in the payments outbox, oldest first.
    func events() async throws -> [String] {
        try await payments.query("SELECT name FROM soko_outbox ORDER BY seq", []).map { try $0.string("name") ?? "" }
    }

    func events(named name: String) async throws -> [[String: Any]] {
        try await payments.query("SELECT payload FROM soko_outbox WHERE name = $1 ORDER BY seq", [.text(name)]).map {
            (try? JSONSerialization.jsonObject(with: Data((try $0.string("payload") ?? "").utf8))) as? [String: Any] ?? [:]
        }
    }
}

struct StatusOnly: Decodable { var status: String }

struct PlaceOrderBody: Encodable {
    struct Item: Encodable {
        var productID: String
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }
    struct Address: Encodable {
        var name = "Ann Wanjiru"
        var line1 = "1 Moi Avenue"
        var city = "Nairobi"
        var country = "KE"
    }
    var items: [Item]
    var shippingAddress = Address()
    enum CodingKeys: String, CodingKey {
        case items
        case shippingAddress = "shipping_address"
    }
}
