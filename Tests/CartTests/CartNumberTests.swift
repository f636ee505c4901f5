import SokoFunctions
import Testing

@testable import Cart

/// Numbers that are valid JSON but not a quantity (a fraction, a value past Int64, an exponent)
/// are the client's field error, named: 422 `validation-failed` on `quantity`, never a claim that
/// the body is malformed JSON.
@Suite("Cart numbers")
struct CartNumberTests {
    @Test(arguments: ["1.5", "1e30", "99999999999999999999999", "-1e400"])
    func aQuantityThatIsNoIntegerIsAValidationErrorNamingTheField(_ quantity: String) async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        let added = await cart.call(
            "addToCart", customer: "ann", body: #"{"product_id":"p1","quantity":\#(quantity)}"#)
        #expect(added.status == 422, "\(quantity)")
        #expect(added.code == "validation-failed")
        #expect(added.problem?.errors?.map(\.field) == ["quantity"])

        #expect(await cart.add("p1", 1, customer: "ann").status == 200)
        let updated = await cart.call(
            "updateCartItem", customer: "ann", productID: "p1", body: #"{"quantity":\#(quantity)}"#)
        #expect(updated.status == 422, "\(quantity)")
        #expect(updated.code == "validation-failed")
        #expect(updated.problem?.errors?.map(\.field) == ["quantity"])
        await cart.close()
    }

    @Test func malformedJSONIsStillMalformed() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        #expect(await cart.call("addToCart", customer: "ann", body: #"{"product_id":"p1","quantity":}"#).code == "malformed-json")
        #expect(
            await cart.call("updateCartItem", customer: "ann", productID: "p1", body: #"{"quantity":1"#).code
                == "malformed-json")
        await cart.close()
    }
}

/// Product ids with control characters are refused before they reach a store (PostgreSQL text
/// cannot hold NUL: such an id failed there with a 500).
@Suite("Cart product ids")
struct CartProductIDTests {
    @Test(arguments: ["\u{0}", "p1\u{0}", "\u{7}bell", "line\nbreak"])
    func aProductIDWithAControlCharacterIsAValidationError(_ id: String) async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        let body = String(decoding: try JSONCoding.encode(["product_id": id]), as: UTF8.self)
            .replacingOccurrences(of: "}", with: #","quantity":1}"#)
        #expect(await cart.call("addToCart", customer: "ann", body: body).code == "validation-failed")
        #expect(await cart.update(id, 1, customer: "ann").code == "validation-failed")
        #expect(await cart.remove(id, customer: "ann").code == "validation-failed")
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM cart_items") == 0)
        await cart.close()
    }
}
