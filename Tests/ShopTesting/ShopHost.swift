import Foundation
import Shop
import SokoFunctions
import SokoHost
import SokoTesting
import Users

/// The embedded shop for tests: every bundle and the repository's manifests in one in-process host
/// (real router, middleware, auth, stores, invocation and event relay), plus ways to get customers
/// and admins.
///
/// ```swift
/// let shop = try await ShopHost.start()
/// let ann = try await shop.customer("ann@example.com")
/// let response = await shop.request("GET", "/cart", token: ann)
/// ```
public final class ShopHost: Sendable {
    public let host: TestHost

    public static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Starts the shop on fresh temporary SQLite stores. `environment` adds to (and overrides) the
    /// test defaults: cheap Argon2, a fixed issuer, and the manifests' per-caller rate limits off
    /// (tests that place many orders would meet them; the limits' own tests set
    /// `SOKO_RATE_LIMITS=on`).
    public static func start(
        environment: [String: String] = [:], configuration: HostConfiguration = TestHost.defaultConfiguration()
    ) async throws -> ShopHost {
        var configuration = configuration
        let clients = #"[{"client_id":"\#(serviceClientID)","secret_sha256":"\#(serviceSecretSHA256)","internal":true}]"#
        configuration.environment = configuration.environment.merging([
            "SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_TOKEN_ISSUER": "https://soko.test", "SOKO_OAUTH_CLIENTS": clients,
            "SOKO_RATE_LIMITS": "off",
        ]) { _, new in new }.merging(environment) { _, new in new }
        let host = try await TestHost(
            bundles: Shop.bundles, manifestsDirectory: repository + "/manifests/functions", configuration: configuration)
        return ShopHost(host: host)
    }

    init(host: TestHost) { self.host = host }

    /// The test PostgreSQL server (`SOKO_TEST_POSTGRES_URL`, started by scripts/test.sh), or nil
    /// where there is none.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True under CI, where a missing PostgreSQL server is a failure rather than a skip.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// A configuration whose stores are fresh schemas (a unique prefix) in the test PostgreSQL
    /// database, or nil when there is no server.
    public static func postgresConfiguration() -> HostConfiguration? {
        guard let url = postgresURL else { return nil }
        var configuration = TestHost.defaultConfiguration()
        let prefix = "t" + UUID().uuidString.lowercased().prefix(8) + "_"
        configuration.store = StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix))
        return configuration
    }

    /// A context as the host gives `service.function`'s handler (its store, the host's invoker), for
    /// calling a bundle's Swift API directly (a schedule's logic with a chosen `now`, for instance).
    public func context(_ service: String, _ function: String) throws -> FunctionContext {
        guard let context = host.host.context(service: service, function: function) else {
            throw ShopTestError("\(service).\(function) is not loaded")
        }
        return context
    }

    /// The store of `service` (for assertions on its tables).
    public func store(_ service: String) -> Store { host.host.stores.store(for: service) }

    /// Registers `email` (password "long enough pw") and returns an access token for it.
    public func customer(_ email: String, name: String = "Test Customer") async throws -> String {
        let registered = try await host.request(
            "POST", "/users/register", json: ["email": email, "password": Self.password, "name": name])
        guard registered.status == 201 || registered.status == 409 else {
            throw ShopTestError("register \(email): \(registered.status) \(registered.text)")
        }
        return try await login(email)
    }

    /// An access token for an admin account `email` (created or promoted).
    public func admin(_ email: String = "admin@example.com") async throws -> String {
        _ = try await UsersAdministration.createAdmin(
            email: email, password: Self.password, store: store("users"), compute: host.host.compute)
        return try await login(email)
    }

    public static let password = "long enough pw"

    /// The internal service client every test shop knows (`SOKO_OAUTH_CLIENTS`), for calling
    /// `auth: service` routes with ``serviceToken()``.
    public static let serviceClientID = "test-service"
    public static let serviceSecret = "test-service-secret"
    static let serviceSecretSHA256 = "c70f0cd6fb784e1acaa41f7630a7569441074bf63957ad25bfa76408d53dcad5"

    /// A client-credentials token of the test service client.
    public func serviceToken() async throws -> String {
        let form = "grant_type=client_credentials&client_id=\(Self.serviceClientID)&client_secret=\(Self.serviceSecret)"
        let response = await request(
            "POST", "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        guard response.status == 200 else { throw ShopTestError("service token: \(response.status) \(response.text)") }
        return try JSONCoding.decode(Tokens.self, from: response.body).accessToken
    }

    private struct Tokens: Decodable {
        var accessToken: String
        enum CodingKeys: String, CodingKey { case accessToken = "access_token" }
    }

    private func login(_ email: String) async throws -> String {
        let response = try await host.request("POST", "/auth/login", json: ["email": email, "password": Self.password])
        guard response.status == 200 else { throw ShopTestError("login \(email): \(response.status) \(response.text)") }
        return try JSONCoding.decode(Tokens.self, from: response.body).accessToken
    }

    /// Sends a request, with `Authorization: Bearer token` when a token is given.
    public func request(
        _ method: String, _ target: String, token: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []
    ) async -> TestResponse {
        var fields = HTTPHeaders()
        if let token { fields.add("Authorization", "Bearer \(token)") }
        for (name, value) in headers { fields.add(name, value) }
        if !body.isEmpty, fields["Content-Type"] == nil { fields.add("Content-Type", "application/json") }
        return await host.request(method, target, headers: fields, body: body)
    }

    /// As ``request(_:_:token:headers:body:)`` with `value` encoded as the JSON body.
    public func request<Body: Encodable>(
        _ method: String, _ target: String, token: String? = nil, headers: [(String, String)] = [], json value: Body
    ) async throws -> TestResponse {
        await request(method, target, token: token, headers: headers, body: try JSONCoding.encode(value))
    }

    @discardableResult
    public func shutdown() async -> Bool { await host.shutdown() }
}

public struct ShopTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `{id}` of any created resource.
public struct Identified: Decodable, Sendable {
    public var id: String
}

/// The body of `POST /products` the shop tests send.
public struct NewProduct: Encodable, Sendable {
    public var sku: String
    public var name: String
    public var description: String
    public var price: Int
    public var currency: String
    public var categoryID: String
    public var onHand: Int

    public init(sku: String, name: String, description: String, price: Int, currency: String, categoryID: String, onHand: Int) {
        self.sku = sku
        self.name = name
        self.description = description
        self.price = price
        self.currency = currency
        self.categoryID = categoryID
        self.onHand = onHand
    }

    enum CodingKeys: String, CodingKey {
        case sku, name, description, price, currency
        case categoryID = "category_id"
        case onHand = "on_hand"
    }
}
