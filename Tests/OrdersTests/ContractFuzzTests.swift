import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Orders

/// Regressions found by fuzzing the running shop against openapi.yaml (schemathesis).
@Suite("Orders contract fuzz regressions")
struct OrdersContractFuzzTests {
    /// API.md writes lists as `?limit=&cursor=`: an empty cursor is the first page (as for
    /// products), not 400 invalid-cursor.
    @Test func anEmptyCursorIsTheFirstPage() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let kettle = try await shop.product("KET-1", price: 2_500, onHand: 5)
        try await shop.addToCart(ann, kettle, quantity: 1)
        let placed = try await shop.order(ann)
        for (path, token) in [("/orders?cursor=", ann), ("/admin/orders?cursor=&customer_id=", shop.admin)] {
            let response = await shop.shop.request("GET", path, token: token)
            #expect(response.status == 200, "\(path): \(response.text)")
            if path.hasPrefix("/orders") {
                #expect(try response.json(OrderList.self).orders.map(\.id) == [placed.id])
            }
        }
        let garbage = await shop.shop.request("GET", "/orders?cursor=nonsense", token: ann)
        #expect(garbage.status == 400)
        #expect(garbage.problem?.code == "invalid-cursor")
        await shop.shutdown()
    }

    /// openapi.yaml documents `items[].product_id` as up to 64 characters; 64 characters that take
    /// more than 64 bytes of UTF-8 are a product id the catalog does not know, not a bad id.
    @Test func aProductIDOfSixtyFourMultibyteCharactersIsNotAValidationError() async throws {
        let shop = try await OrdersShop.start()
        let ann = try await shop.shop.customer("ann@example.com")
        let id = String(repeating: "é", count: 64)
        let body = #"{"shipping_address":\#(OrderInputEdgeTests.address),"items":[{"product_id":"\#(id)","quantity":1}]}"#
        let response = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "wide")], body: Array(body.utf8))
        #expect(response.status == 422, "\(response.text)")
        #expect(response.problem?.code == "product-unavailable", "\(response.text)")
        let tooLong = String(repeating: "é", count: 65)
        let long = #"{"shipping_address":\#(OrderInputEdgeTests.address),"items":[{"product_id":"\#(tooLong)","quantity":1}]}"#
        let refused = await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", "wider")], body: Array(long.utf8))
        #expect(refused.problem?.code == "validation-failed", "\(refused.text)")
        #expect(refused.problem?.errors?.map(\.field) == ["items[0].product_id"])
        await shop.shutdown()
    }
}
