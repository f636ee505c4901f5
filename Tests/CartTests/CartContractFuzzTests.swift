import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// Regressions found by fuzzing the running shop against openapi.yaml (schemathesis).
@Suite("Cart contract fuzz regressions")
struct CartContractFuzzTests {
    /// openapi.yaml documents `product_id` as 1 to 64 characters (as the error message says);
    /// 64 characters that take more than 64 bytes of UTF-8 were refused with 422.
    @Test func aProductIDIsCountedInCharactersNotBytes() async throws {
        let shop = try await ShopHost.start()
        let ann = try await shop.customer("ann@example.com")
        let wide = String(repeating: "é", count: 64)
        let path = "/cart/items/" + wide.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
        let removed = await shop.request("DELETE", path, token: ann)
        #expect(removed.status == 200, "\(removed.text)")
        let added = try await CartShopTests.add(shop, wide, 1, token: ann)
        #expect(added.status == 404, "\(added.text)")
        #expect(added.problem?.code == "product-not-found")

        let tooLong = String(repeating: "é", count: 65)
        let refused = await shop.request(
            "DELETE", "/cart/items/" + tooLong.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!, token: ann)
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.problem?.errors?.map(\.field) == ["product_id"])
        let control = await shop.request("DELETE", "/cart/items/a%C2%8Fb", token: ann)
        #expect(control.status == 422, "\(control.text)")
        #expect(await shop.shutdown())
    }
}
