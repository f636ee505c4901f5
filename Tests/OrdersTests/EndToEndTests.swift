import Catalog
import Foundation
import Shop
import ShopTesting
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest
import SokoOutbound
import SokoTesting
import Testing

/// The whole shop over real sockets: one host process with every bundle (the embedded default),
/// driven by libcurl like a storefront: register → browse and search → guest cart → sign in and
/// merge → place order → cancel.
@Suite("End to end over the real host")
struct EndToEndTests {
    /// A storefront's HTTP client (libcurl's multi interface, on a loop of its own).
    struct Client {
        let base: String
        let http: StandaloneClient

        func call(
            _ method: String, _ path: String, token: String? = nil, headers: [(String, String)] = [], json: String? = nil
        ) async throws -> (status: Int, body: [String: Any], text: String) {
            var fields = headers
            if let token { fields.append(("Authorization", "Bearer \(token)")) }
            if json != nil { fields.append(("Content-Type", "application/json")) }
            let response = try await http.send(
                method, base + path, headers: fields, body: Array((json ?? "").utf8), timeout: .seconds(10))
            let text = String(decoding: response.body, as: UTF8.self)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            return (response.status, object, text)
        }
    }

    @Test func registerBrowseCartOrderCancel() async throws {
        var configuration = TestHost.defaultConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 2
        configuration.environment = ["SOKO_ARGON2_MEMORY_KIB": "1024"]
        let host = try FunctionHost(
            manifests: try ManifestLoader.load(directory: ShopHost.repository + "/manifests/functions"),
            bundles: Shop.bundles, configuration: configuration)
        let group = EventLoopGroup(loopCount: 2)
        group.start()
        let running = try await host.start(on: group)
        #expect(try await DemoCatalog.seed(store: host.stores.store(for: "catalog")) > 40)
        let shop = Client(base: "http://127.0.0.1:\(running.port)", http: await StandaloneClient.start())

        // Browse and search as a guest.
        let page = try await shop.call("GET", "/products?limit=5&sort=price")
        #expect(page.status == 200)
        let items = try #require(page.body["items"] as? [[String: Any]])
        #expect(items.count == 5)
        let prices = items.compactMap { $0["price"] as? Int }
        #expect(prices == prices.sorted())
        let searched = try await shop.call("GET", "/products?q=tea&in_stock=true")
        #expect(searched.status == 200)
        let teas = try #require(searched.body["items"] as? [[String: Any]])
        #expect(!teas.isEmpty)
        let tea = try #require(teas.first { ($0["available"] as? Int ?? 0) >= 2 })
        let teaID = try #require(tea["id"] as? String)
        let before = try #require(tea["available"] as? Int)

        // A guest cart, then an account; the first cart call after sign-in merges the guest cart.
        let added = try await shop.call("POST", "/cart/items", json: #"{"product_id":"\#(teaID)","quantity":2}"#)
        #expect(added.status == 200)
        let cartToken = try #require(added.body["cart_token"] as? String)
        let registered = try await shop.call(
            "POST", "/users/register", json: #"{"email":"wanjiru@example.com","password":"long enough pw","name":"Wanjiru"}"#)
        #expect(registered.status == 201)
        let login = try await shop.call(
            "POST", "/auth/login", json: #"{"email":"wanjiru@example.com","password":"long enough pw"}"#)
        let token = try #require(login.body["access_token"] as? String)
        let cart = try await shop.call("GET", "/cart", token: token, headers: [("X-Cart-Token", cartToken)])
        #expect(cart.status == 200)
        let lines = try #require(cart.body["items"] as? [[String: Any]])
        #expect(lines.map { $0["product_id"] as? String } == [teaID])
        #expect(lines.first?["quantity"] as? Int == 2)
        #expect(cart.body["subtotal"] as? Int == 2 * (tea["price"] as? Int ?? 0))

        // Order it; the stock is reserved; a retry of the key is the same order.
        let address = #"{"shipping_address":{"name":"Wanjiru","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}}"#
        let placed = try await shop.call("POST", "/orders", token: token, headers: [("Idempotency-Key", "e2e-1")], json: address)
        #expect(placed.status == 201)
        let orderID = try #require(placed.body["id"] as? String)
        #expect(placed.body["status"] as? String == "pending_payment")
        let replay = try await shop.call("POST", "/orders", token: token, headers: [("Idempotency-Key", "e2e-1")], json: address)
        #expect(replay.status == 201)
        #expect(replay.body["id"] as? String == orderID)
        #expect(try await shop.call("GET", "/products/\(teaID)").body["available"] as? Int == before - 2)
        let mine = try await shop.call("GET", "/orders", token: token)
        #expect((mine.body["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [orderID])

        // Someone else sees nothing and cancels nothing.
        _ = try await shop.call(
            "POST", "/users/register", json: #"{"email":"other@example.com","password":"long enough pw","name":"Other"}"#)
        let otherLogin = try await shop.call(
            "POST", "/auth/login", json: #"{"email":"other@example.com","password":"long enough pw"}"#)
        let other = try #require(otherLogin.body["access_token"] as? String)
        #expect(try await shop.call("GET", "/orders/\(orderID)", token: other).status == 404)
        #expect(try await shop.call("POST", "/orders/\(orderID)/cancel", token: other).status == 404)

        // Cancel: the stock comes back; cancelling again is an illegal transition.
        let cancelled = try await shop.call("POST", "/orders/\(orderID)/cancel", token: token)
        #expect(cancelled.status == 200)
        #expect(cancelled.body["status"] as? String == "cancelled")
        #expect(try await shop.call("GET", "/products/\(teaID)").body["available"] as? Int == before)
        let again = try await shop.call("POST", "/orders/\(orderID)/cancel", token: token)
        #expect(again.status == 409)
        #expect(again.text.contains("illegal-transition"))

        await shop.http.shutdown()
        #expect(await running.stop(drainTimeout: .seconds(5)))
    }
}
