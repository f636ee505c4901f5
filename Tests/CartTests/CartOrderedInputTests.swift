import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// Regressions found by fuzzing the internal routes against openapi.yaml (schemathesis).
@Suite("Cart orderPlaced input")
struct CartOrderedInputTests {
    /// A quantity past the 64-bit range is valid JSON: 422 naming the field, not 400 malformed-json.
    @Test func aQuantityPastTheIntegerRangeIsAValidationError() async throws {
        let shop = try await ShopHost.start()
        let service = try await shop.serviceToken()
        let body = #"{"order_id":"o1","customer_id":"c1","lines":[{"product_id":"p","quantity":-3128861284568993064026112}]}"#
        let response = await shop.request("POST", "/internal/cart/ordered", token: service, body: Array(body.utf8))
        #expect(response.status == 422, "\(response.text)")
        #expect(response.problem?.code == "validation-failed")
        #expect(response.problem?.errors?.map(\.field) == ["lines[0].quantity"])
        let fine = #"{"order_id":"o2","customer_id":"c1","lines":[{"product_id":"p","quantity":2}]}"#
        #expect(await shop.request("POST", "/internal/cart/ordered", token: service, body: Array(fine.utf8)).status == 204)
        #expect(await shop.shutdown())
    }
}
