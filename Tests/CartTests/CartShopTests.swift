import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// The Cart bundle in the whole shop: the real router, guest auth policy, Catalog bundle behind
/// `context.invoke` and the event relay.
@Suite("Cart in the shop")
struct CartShopTests {
    /// Products made through the catalog's admin API.
    struct Catalog {
        let shop: ShopHost
        let admin: String
        let category: String

        static func start(_ shop: ShopHost) async throws -> Catalog {
            let admin = try await shop.admin()
            let made = try await shop.request("POST", "/categories", token: admin, json: ["name": "Kitchen", "slug": "kitchen"])
            guard made.status == 201 else { throw ShopTestError("createCategory: \(made.status) \(made.text)") }
            return Catalog(shop: shop, admin: admin, category: try made.json(Created.self).id)
        }

        struct Created: Decodable { var id: String }

        struct NewProduct: Encodable {
            var sku: String
            var name: String
            var description = "made for the cart tests"
            var price: Int
            var currency = "KES"
            var categoryID: String
            var onHand: Int

            enum CodingKeys: String, CodingKey {
                case sku, name, description, price, currency
                case categoryID = "category_id"
                case onHand = "on_hand"
            }
        }

        func product(_ sku: String, price: Int, onHand: Int) async throws -> String {
            let made = try await shop.request(
                "POST", "/products", token: admin,
                json: NewProduct(sku: sku, name: "Item \(sku)", price: price, categoryID: category, onHand: onHand))
            guard made.status == 201 else { throw ShopTestError("createProduct: \(made.status) \(made.text)") }
            return try made.json(Created.self).id
        }

        func setPrice(_ id: String, _ price: Int) async throws {
            #expect(try await shop.request("PATCH", "/products/\(id)", token: admin, json: ["price": price]).status == 200)
        }

        func setStock(_ id: String, _ onHand: Int) async throws {
            #expect(
                try await shop.request("PUT", "/products/\(id)/inventory", token: admin, json: ["on_hand": onHand]).status
                    == 200)
        }

        func archive(_ id: String) async {
            #expect(await shop.request("DELETE", "/products/\(id)", token: admin).status == 204)
        }
    }

    struct Line: Encodable {
        var productID: String
        var quantity: Int

        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }

    static func add(
        _ shop: ShopHost, _ product: String, _ quantity: Int, token: String? = nil, cart: String? = nil
    ) async throws -> TestResponse {
        try await shop.request(
            "POST", "/cart/items", token: token, headers: cart.map { [("X-Cart-Token", $0)] } ?? [],
            json: Line(productID: product, quantity: quantity))
    }

    static func get(_ shop: ShopHost, token: String? = nil, cart: String? = nil) async -> TestResponse {
        await shop.request("GET", "/cart", token: token, headers: cart.map { [("X-Cart-Token", $0)] } ?? [])
    }

    @Test func aGuestCartFollowsTheCustomerThroughLogin() async throws {
        let shop = try await ShopHost.start()
        let catalog = try await Catalog.start(shop)
        let kettle = try await catalog.product("KETTLE", price: 1_500, onHand: 5)
        let mug = try await catalog.product("MUG", price: 300, onHand: 20)

        let started = try await Self.add(shop, kettle, 4)
        #expect(started.status == 200, "\(started.text)")
        let cartToken = try #require(started.headers["X-Cart-Token"])
        #expect(try await Self.add(shop, mug, 2, cart: cartToken).status == 200)
        let guest = try await Self.get(shop, cart: cartToken).json(CartWire.self)
        #expect(guest.subtotal == 4 * 1_500 + 2 * 300)
        #expect(guest.items.first?.name == "Item KETTLE" && guest.items.first?.sku == "KETTLE")
        #expect(guest.cartToken == cartToken)

        let ann = try await shop.customer("ann@example.com")
        #expect(try await Self.add(shop, kettle, 3, token: ann).status == 200)
        let merged = try await Self.get(shop, token: ann, cart: cartToken)
        #expect(merged.headers["X-Cart-Token"] == nil)
        let view = try merged.json(CartWire.self)
        #expect(view.lines == ["\(kettle):5", "\(mug):2"])  // 3 + 4 capped at the 5 on hand
        #expect(view.cartToken == nil)
        let guests = try await shop.store("cart").query(
            "SELECT COUNT(*) AS n FROM carts WHERE token_hash IS NOT NULL", [])
        #expect(try guests.first?.int("n") == 0)

        // Again with the same token: nothing more is merged; alone, the token names no cart.
        #expect(try await Self.get(shop, token: ann, cart: cartToken).json(CartWire.self).lines == view.lines)
        #expect(await Self.get(shop, cart: cartToken).problem?.code == "cart-not-found")
        #expect(await shop.shutdown())
    }

    @Test func signingInWithTheGuestTokenMergesTheCartAtOnce() async throws {
        let shop = try await ShopHost.start()
        let catalog = try await Catalog.start(shop)
        let kettle = try await catalog.product("KETTLE", price: 1_500, onHand: 5)
        let started = try await Self.add(shop, kettle, 2)
        let cartToken = try #require(started.headers["X-Cart-Token"])
        _ = try await shop.customer("bea@example.com")

        // The login request carries the guest token; the cart calls after it carry only the bearer.
        let login = try await shop.request(
            "POST", "/auth/login", headers: [("X-Cart-Token", cartToken)],
            json: ["email": "bea@example.com", "password": ShopHost.password])
        #expect(login.status == 200)
        struct Tokens: Decodable {
            var accessToken: String
            enum CodingKeys: String, CodingKey { case accessToken = "access_token" }
        }
        let bea = try login.json(Tokens.self).accessToken
        #expect(try await Self.get(shop, token: bea).json(CartWire.self).lines == ["\(kettle):2"])
        #expect(await Self.get(shop, cart: cartToken).problem?.code == "cart-not-found")
        // A login with an unknown cart token still signs in.
        let other = try await shop.request(
            "POST", "/auth/login", headers: [("X-Cart-Token", "not-a-token")],
            json: ["email": "bea@example.com", "password": ShopHost.password])
        #expect(other.status == 200)
        #expect(await shop.shutdown())
    }

    @Test func linesArePricedFromTheCatalogNow() async throws {
        let shop = try await ShopHost.start()
        let catalog = try await Catalog.start(shop)
        let kettle = try await catalog.product("KETTLE", price: 1_500, onHand: 5)
        let mug = try await catalog.product("MUG", price: 300, onHand: 20)
        let pan = try await catalog.product("PAN", price: 2_000, onHand: 3)
        let ann = try await shop.customer("ann@example.com")
        for (product, quantity) in [(kettle, 2), (mug, 3), (pan, 1)] {
            #expect(try await Self.add(shop, product, quantity, token: ann).status == 200)
        }

        try await catalog.setPrice(kettle, 1_700)
        try await catalog.setStock(mug, 1)
        await catalog.archive(pan)
        let view = try await Self.get(shop, token: ann).json(CartWire.self)
        #expect(view.items.map(\.warning) == [nil, "insufficient_stock", "unavailable"])
        #expect(view.items.first?.unitPrice == 1_700)
        #expect(view.subtotal == 2 * 1_700 + 3 * 300)
        try await catalog.setStock(mug, 0)
        #expect(try await Self.get(shop, token: ann).json(CartWire.self).items[1].warning == "out_of_stock")

        #expect(try await Self.add(shop, pan, 1, token: ann).problem?.code == "product-archived")
        #expect(try await Self.add(shop, "no-such-product", 1, token: ann).status == 404)
        #expect(await shop.shutdown())
    }

    @Test func customersOnlyEverSeeTheirOwnCart() async throws {
        let shop = try await ShopHost.start()
        let catalog = try await Catalog.start(shop)
        let kettle = try await catalog.product("KETTLE", price: 1_500, onHand: 5)
        let ann = try await shop.customer("ann@example.com")
        let bob = try await shop.customer("bob@example.com")
        let annCart = try await Self.add(shop, kettle, 2, token: ann).json(CartWire.self)

        let bobCart = try await Self.get(shop, token: bob).json(CartWire.self)
        #expect(bobCart.items.isEmpty && bobCart.id != annCart.id)
        let patch = try await shop.request("PATCH", "/cart/items/\(kettle)", token: bob, json: ["quantity": 9])
        #expect(patch.problem?.code == "item-not-found")
        #expect(await shop.request("DELETE", "/cart", token: bob).status == 200)
        #expect(try await Self.get(shop, token: ann).json(CartWire.self).lines == ["\(kettle):2"])
        #expect(await shop.shutdown())
    }

    @Test func guestRoutesRefuseABadBearerTokenAndInternalRoutesNeedAService() async throws {
        let shop = try await ShopHost.start()
        let ann = try await shop.customer("ann@example.com")
        #expect(await shop.request("GET", "/cart", token: "not-a-jwt").status == 401)
        #expect(await Self.get(shop).status == 200)
        let checkout = try await shop.request("POST", "/internal/cart/checkout", token: ann, json: ["customer_id": "x"])
        #expect(checkout.status == 403)
        #expect(try await shop.request("POST", "/internal/cart/checkout", json: ["customer_id": "x"]).status == 401)
        #expect(await shop.shutdown())
    }

    @Test func anOrderPlacedEventTakesTheOrderedUnitsOutOfTheCart() async throws {
        let shop = try await ShopHost.start()
        let catalog = try await Catalog.start(shop)
        let kettle = try await catalog.product("KETTLE", price: 1_500, onHand: 5)
        let mug = try await catalog.product("MUG", price: 300, onHand: 20)
        let ann = try await shop.customer("ann@example.com")
        _ = try await Self.add(shop, kettle, 1, token: ann)
        _ = try await Self.add(shop, mug, 5, token: ann)
        let subject = try await shop.store("users").query(
            "SELECT id FROM users WHERE email = $1", [.text("ann@example.com")]
        ).first?.string("id")
        let customer = try #require(subject)

        struct Placed: Encodable {
            var orderID: String
            var customerID: String
            var lines: [Line]
            var total: Int

            enum CodingKeys: String, CodingKey {
                case orderID = "order_id"
                case customerID = "customer_id"
                case lines, total
            }
        }
        let payload = Placed(
            orderID: "o-1", customerID: customer,
            lines: [Line(productID: kettle, quantity: 1), Line(productID: mug, quantity: 2)],
            total: 2_100)
        _ = try await shop.store("cart").transaction { try $0.emit("order.placed", payload) }

        // The relay delivers after the commit; wait for the effect, with a deadline.
        let deadline = ContinuousClock.now + .seconds(10)
        var lines: [String] = []
        while ContinuousClock.now < deadline {
            lines = try await Self.get(shop, token: ann).json(CartWire.self).lines
            if lines == ["\(mug):3"] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(lines == ["\(mug):3"])
        #expect(await shop.shutdown())
    }
}
