import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// Inputs a client can send that are valid HTTP and JSON but not a valid order request.
@Suite("Order input edges")
struct OrderInputEdgeTests {
    static let address = #"{"name":"Ann","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}"#

    @Test func anItemQuantityThatIsNoIntegerIsAValidationErrorNamingTheField() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KET-1", price: 2_500, onHand: 5)
        for quantity in ["1.5", "1e30", "99999999999999999999999"] {
            let body = #"{"shipping_address":\#(Self.address),"items":[{"product_id":"\#(kettle)","quantity":\#(quantity)}]}"#
            let response = await shop.shop.request(
                "POST", "/orders", token: ann, headers: [("Idempotency-Key", UUID().uuidString)], body: Array(body.utf8))
            #expect(response.status == 422, "\(quantity): \(response.text)")
            #expect(response.problem?.code == "validation-failed")
            #expect(response.problem?.errors?.map(\.field) == ["items[0].quantity"])
        }
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 0)
        await shop.shutdown()
    }

    @Test func twoDifferentIdempotencyKeysInOneRequestAreRefused() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KET-1", price: 2_500, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let body = Array(#"{"shipping_address":\#(Self.address)}"#.utf8)
        let response = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "one"), ("Idempotency-Key", "two")], body: body)
        #expect(response.status == 400, "\(response.text)")
        #expect(response.problem?.code == "idempotency-key-invalid")
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 0)
        // The same key twice is still one key.
        let same = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "one"), ("Idempotency-Key", "one")], body: body)
        #expect(same.status == 201, "\(same.text)")
        await shop.shutdown()
    }
}

extension OrderInputEdgeTests {
    @Test func aControlCharacterInAnIDIsRefusedBeforeAnyStoreSeesIt() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let body = #"{"shipping_address":\#(Self.address),"items":[{"product_id":"\u0000","quantity":1}]}"#
        let response = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "nul")], body: Array(body.utf8))
        #expect(response.status == 422, "\(response.text)")
        #expect(response.problem?.code == "validation-failed")
        #expect(response.problem?.errors?.map(\.field) == ["items[0].product_id"])
        #expect(try await shop.count("SELECT COUNT(*) AS n FROM orders") == 0)
        let filtered = await shop.shop.request("GET", "/admin/orders?customer_id=%00", token: shop.admin)
        #expect(filtered.status == 200, "\(filtered.text)")
        #expect(try filtered.json(OrderList.self).orders.isEmpty)
        await shop.shutdown()
    }
}
