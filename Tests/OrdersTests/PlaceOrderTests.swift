import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

@Suite("placeOrder")
struct PlaceOrderTests {
    @Test func anOrderIsPricedServerSideReservesStockAndAnnouncesItself() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        let mug = try await shop.product("MUG", price: 40_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        try await shop.addToCart(ann, mug, quantity: 2)

        let response = try await shop.placeOrder(ann, key: "first-order")
        #expect(response.status == 201)
        #expect(response.headers["Idempotent-Replayed"] == nil)
        let order = try response.json(OrderDocument.self)
        #expect(response.headers["Location"] == "/orders/\(order.id)")
        #expect(order.status == "pending_payment")
        #expect(order.currency == "KES")
        #expect(order.lines.map(\.productID) == [kettle, mug])
        #expect(order.lines.map(\.lineTotal) == [250_000, 80_000])
        #expect(order.subtotal == 330_000)
        #expect(order.shipping == 30_000)
        #expect(order.tax == 0)
        #expect(order.total == 360_000)
        #expect(order.shippingAddress.country == "KE")
        #expect(order.shippingAddress.line2 == nil)
        #expect(try await shop.available(kettle) == 4)
        #expect(try await shop.available(mug) == 3)

        let events = try await shop.events()
        #expect(events.map(\.name) == ["order.placed"])
        #expect(events.first?.payload.orderID == order.id)
        #expect(events.first?.payload.status == "pending_payment")
        #expect(events.first?.payload.lines.map(\.quantity) == [1, 2])
        #expect(events.first?.payload.total == 360_000)
        // The wire form of the contract: states as text, money always (`discount` 0 without a coupon),
        // what the state or a coupon adds only when it has it.
        let raw = try #require(try await shop.orders.query("SELECT payload FROM soko_outbox", []).first?.string("payload"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "order_id", "customer_id", "status", "previous_status", "currency", "subtotal", "discount", "shipping", "tax",
                "total", "lines", "from_cart",
            ])
        #expect(object["previous_status"] as? String == "placing")
        let line = try #require((object["lines"] as? [[String: Any]])?.first)
        #expect(Set(line.keys) == ["product_id", "sku", "name", "unit_price", "quantity", "line_total"])
        await shop.shutdown()
    }

    @Test func aRepeatOfTheKeyReturnsTheSameOrderMarkedAsReplayed() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let first = try await shop.order(ann, key: "k-1")

        let again = try await shop.placeOrder(ann, key: "k-1")
        #expect(again.status == 201)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(try again.json(OrderDocument.self) == first)
        #expect(try await shop.available(kettle) == 4)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 1)

        // The same key with another body is refused; another customer's identical key is theirs.
        var elsewhere = OrdersShop.address
        elsewhere.city = "Mombasa"
        let reused = try await shop.placeOrder(ann, key: "k-1", address: elsewhere)
        #expect(reused.status == 422)
        #expect(reused.problem?.code == "idempotency-key-reused")
        let bob = try await shop.shop.customer("bob@example.com")
        let bobs = try await shop.placeOrder(bob, key: "k-1")
        #expect(bobs.status == 422)
        #expect(bobs.problem?.code == "cart-empty")
        await shop.shutdown()
    }

    @Test func twentyConcurrentRequestsWithOneKeyMakeOneOrder() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)

        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<20 { group.addTask { try await shop.placeOrder(ann, key: "same-key") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.map(\.status) == Array(repeating: 201, count: 20), "\(responses.map(\.text))")
        let ids = Set(try responses.map { try $0.json(OrderDocument.self).id })
        #expect(ids.count == 1)
        #expect(responses.filter { $0.headers["Idempotent-Replayed"] == nil }.count == 1)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 1)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM order_lines") == 1)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM soko_outbox WHERE name = 'order.placed'") == 1)
        #expect(try await shop.available(kettle) == 3)
        await shop.shutdown()
    }

    @Test func theIdempotencyKeyIsRequiredAndBounded() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let missing = try await shop.placeOrder(ann, key: nil)
        #expect(missing.status == 400)
        #expect(missing.problem?.code == "idempotency-key-required")
        for key in [String(repeating: "k", count: 256), "tab\there", "ключ"] {
            let bad = try await shop.placeOrder(ann, key: key)
            #expect(bad.status == 400, "\(key)")
            #expect(bad.problem?.code == "idempotency-key-invalid")
        }
        #expect(try await shop.placeOrder(ann, key: String(repeating: "k", count: 255)).status == 422)  // cart-empty
        let anonymous = try await shop.shop.request(
            "POST", "/orders", headers: [("Idempotency-Key", "k")], json: PlaceOrderBody(shippingAddress: OrdersShop.address))
        #expect(anonymous.status == 401)
        await shop.shutdown()
    }

    @Test(arguments: [
        (
            AddressBody(name: String(repeating: "A", count: 201), line1: "1 Moi Avenue", city: "Nairobi", country: "KE"),
            ["shipping_address.name"]
        ),
        (AddressBody(name: nil, line1: nil, city: nil, country: nil), ["shipping_address.line1", "shipping_address.city"]),
        (AddressBody(name: "Ann", line1: " ", city: "Nairobi", country: "KE"), ["shipping_address.line1"]),
        (
            AddressBody(name: "Ann", line1: "1 Moi Avenue", city: nil, country: "XX"),
            ["shipping_address.city", "shipping_address.country"]
        ),
        (AddressBody(name: "Ann", line1: "1 Moi Avenue", city: "Nairobi", country: "KEN"), ["shipping_address.country"]),
        (
            AddressBody(name: "Ann", line1: "1 Moi Avenue", city: "Nairobi", country: "KE", phone: "call me"),
            ["shipping_address.phone"]
        ),
        (
            AddressBody(
                name: "Ann", line1: "1 Moi Avenue", city: "Nairobi", postalCode: String(repeating: "1", count: 21), country: "KE"
            ),
            ["shipping_address.postal_code"]
        ),
    ])
    func anInvalidAddressIsRefusedFieldByField(_ address: AddressBody, _ fields: [String]) async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let response = try await shop.placeOrder(ann, address: address)
        #expect(response.status == 422)
        #expect(response.problem?.code == "validation-failed")
        #expect(response.problem?.errors?.map(\.field) == fields)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 0)
        await shop.shutdown()
    }

    @Test func badBodiesAreRefused() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        for (body, status) in [("{", 400), ("{}", 422), (#"{"shipping_address": "Nairobi"}"#, 422), ("", 400)] {
            let response = await shop.shop.request(
                "POST", "/orders", token: ann,
                headers: [("Idempotency-Key", UUID().uuidString), ("Content-Type", "application/json")],
                body: Array(body.utf8))
            #expect(response.status == status, "\(body): \(response.text)")
        }
        await shop.shutdown()
    }

    @Test func aRefusedOrderAnswersTheSameProblemOnEveryRepeat() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let empty = try await shop.placeOrder(ann, key: "empty")
        #expect(empty.status == 422)
        #expect(empty.problem?.code == "cart-empty")
        #expect(empty.headers["Content-Type"] == "application/problem+json")

        // Filling the cart afterwards does not change what the key answers.
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 1)
        try await shop.addToCart(ann, kettle, quantity: 2)
        let again = try await shop.placeOrder(ann, key: "empty")
        #expect(again.status == 422)
        #expect(again.problem?.code == "cart-empty")
        #expect(again.headers["Idempotent-Replayed"] == "true")

        let short = try await shop.placeOrder(ann, key: "short")
        #expect(short.status == 409)
        #expect(short.problem?.code == "insufficient-stock")
        #expect(short.problem?.errors?.first?.field == "lines[0].quantity")
        let shortAgain = try await shop.placeOrder(ann, key: "short")
        #expect(shortAgain.status == 409)
        #expect(shortAgain.problem?.code == "insufficient-stock")
        #expect(shortAgain.problem?.errors == short.problem?.errors)
        #expect(try await shop.available(kettle) == 1)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders WHERE status = 'rejected'") == 2)
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM soko_outbox") == 0)

        // Rejected orders are internal: they are in no list.
        let list = await shop.shop.request("GET", "/orders", token: ann)
        #expect(try list.json(OrderList.self).orders.isEmpty)
        await shop.shutdown()
    }

    @Test func anArchivedProductMakesTheOrderUnavailable() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 3)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let archived = await shop.shop.request("DELETE", "/products/\(kettle)", token: shop.admin)
        #expect((200..<300).contains(archived.status))
        let response = try await shop.placeOrder(ann)
        #expect(response.status == 422)
        #expect(response.problem?.code == "product-unavailable")
        #expect(response.problem?.errors?.first?.field == "lines[0].product_id")
        await shop.shutdown()
    }
}

@Suite("placeOrder's address")
struct AddressLeniencyTests {
    @Test func commonFieldNamesAndAMissingCountryAreUnderstood() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let response = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "lenient")],
            body: Array(#"{"shipping_address":{"street":"1 Moi Avenue","city":"Nairobi","zip":"00100"}}"#.utf8))
        #expect(response.status == 201, "\(response.text)")
        let order = try response.json(OrderDocument.self)
        #expect(order.shippingAddress.line1 == "1 Moi Avenue")
        #expect(order.shippingAddress.postalCode == "00100")
        #expect(order.shippingAddress.country == "KE")
        await shop.shutdown()
    }
}

/// "Buy now": an order of the lines the request names, leaving the cart alone.
@Suite("placeOrder with items")
struct BuyNowTests {
    struct Line: Encodable {
        var productID: String
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }

    struct Body: Encodable {
        var shippingAddress: AddressBody
        var items: [Line]
        enum CodingKeys: String, CodingKey {
            case shippingAddress = "shipping_address"
            case items
        }
    }

    static func buy(_ shop: OrdersShop, _ token: String, _ items: [Line], key: String = UUID().uuidString) async throws
        -> TestResponse
    {
        try await shop.shop.request(
            "POST", "/orders", token: token, headers: [("Idempotency-Key", key)],
            json: Body(shippingAddress: OrdersShop.address, items: items))
    }

    @Test func theNamedLinesAreOrderedAndTheCartIsLeftAlone() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        let mug = try await shop.product("MUG", price: 40_000, onHand: 5)
        try await shop.addToCart(ann, mug, quantity: 1)

        let response = try await Self.buy(shop, ann, [Line(productID: kettle, quantity: 2)], key: "buy-1")
        #expect(response.status == 201)
        let order = try response.json(OrderDocument.self)
        #expect(order.lines.map(\.productID) == [kettle])
        #expect(order.lines.map(\.quantity) == [2])
        #expect(try await shop.available(kettle) == 3)
        let events = try await shop.events()
        #expect(events.first?.payload.fromCart == false)

        // The relay delivers order.placed to the cart, which leaves the cart as it was.
        let cart = shop.shop.store("cart")
        var delivered = false
        for _ in 0..<500 where !delivered {
            delivered =
                try await shop.count(
                    "SELECT COUNT(*) AS n FROM soko_deliveries WHERE consumer = 'cart.clearOrderedItems' AND status = 'delivered'"
                )
                == 1
            if !delivered { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(delivered)
        let lines = try await cart.query("SELECT product_id, quantity FROM cart_items", [])
        #expect(try lines.map { try $0.string("product_id") } == [mug])

        // A repeat with other items is another request: the key is refused.
        let reused = try await Self.buy(shop, ann, [Line(productID: kettle, quantity: 1)], key: "buy-1")
        #expect(reused.status == 422)
        #expect(reused.problem?.code == "idempotency-key-reused")
        await shop.shutdown()
    }

    @Test func badItemsAreRefusedNamingTheField() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        let cases: [([Line], String)] = [
            ([], "items"),
            ([Line(productID: kettle, quantity: 0)], "items[0].quantity"),
            ([Line(productID: kettle, quantity: 100)], "items[0].quantity"),
            ([Line(productID: kettle, quantity: 1), Line(productID: kettle, quantity: 1)], "items[1].product_id"),
            ([Line(productID: "", quantity: 1)], "items[0].product_id"),
        ]
        for (items, field) in cases {
            let response = try await Self.buy(shop, ann, items)
            #expect(response.status == 422)
            #expect(response.problem?.errors?.map(\.field) == [field])
        }
        let unknown = try await Self.buy(shop, ann, [Line(productID: UUID().uuidString.lowercased(), quantity: 1)])
        #expect(unknown.status == 422)
        #expect(unknown.problem?.code == "product-unavailable")
        #expect(try await shop.available(kettle) == 5)
        await shop.shutdown()
    }
}

@Suite("placeOrder and the cart")
struct OrderClearsCartTests {
    @Test func theCartIsClearedBeforeTheAnswerAndALaterUnitStays() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KETTLE", price: 250_000, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 2)
        _ = try await shop.order(ann)
        let cart = shop.shop.store("cart")
        // Already empty when the 201 arrives.
        #expect(try await cart.query("SELECT quantity FROM cart_items", []).isEmpty)

        // The customer adds one more at once; order.placed arriving later must not take it.
        try await shop.addToCart(ann, kettle, quantity: 1)
        var delivered = false
        for _ in 0..<500 where !delivered {
            delivered =
                try await shop.count(
                    "SELECT COUNT(*) AS n FROM soko_deliveries WHERE consumer = 'cart.clearOrderedItems' AND status = 'delivered'"
                )
                == 1
            if !delivered { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(delivered)
        #expect(try await cart.query("SELECT quantity FROM cart_items", []).map { try $0.int("quantity") } == [1])
        await shop.shutdown()
    }
}
