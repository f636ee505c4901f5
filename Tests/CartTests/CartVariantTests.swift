import Foundation
import SokoFunctions
import Testing

@testable import Cart

/// Cart lines of a product sold as variants: a line per variant, priced and stocked as the
/// variant, addressed by `?variant_id=`, merged per variant.
@Suite("Cart variants")
struct CartVariantTests {
    /// `product/variant:quantity` (or `product:quantity`) for every line, and its option text.
    static func lines(_ answer: Answer) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        return items.map { item in
            let product = item["product_id"] as? String ?? "?"
            let variant = (item["variant_id"] as? String).map { "/" + $0 } ?? ""
            return "\(product)\(variant):\(item["quantity"] as? Int ?? -1)"
        }
    }

    static func add(_ cart: CartHarness, _ variant: String?, _ quantity: Int, customer: String? = nil, token: String? = nil)
        async -> Answer
    {
        let field = variant.map { #","variant_id":"\#($0)""# } ?? ""
        return await cart.call(
            "addToCart", customer: customer, cartToken: token,
            body: #"{"product_id":"p"\#(field),"quantity":\#(quantity)}"#)
    }

    @Test func eachVariantIsItsOwnLineAndTheBareProductIsRefused() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p", variants: ["40": (3, false), "42": (0, false), "44": (5, true)])
        #expect(await Self.add(cart, nil, 1, customer: "ann").code == "variant-required")
        #expect(await Self.add(cart, "39", 1, customer: "ann").code == "variant-not-found")
        #expect(await Self.add(cart, "44", 1, customer: "ann").code == "variant-archived")
        _ = await Self.add(cart, "40", 2, customer: "ann")
        let answer = await Self.add(cart, "42", 1, customer: "ann")
        #expect(try Self.lines(answer) == ["p/40:2", "p/42:1"])
        let wire = try answer.cart()
        #expect(wire.items.map(\.warning) == [nil, "out_of_stock"])  // each line is stocked as its variant
        #expect(wire.items.map(\.sku) == ["SKU-p-40", "SKU-p-42"])

        // PATCH and DELETE name the line with ?variant_id=.
        let patched = await cart.call(
            "updateCartItem", customer: "ann", productID: "p", query: [("variant_id", "40")], body: #"{"quantity":3}"#)
        #expect(try Self.lines(patched) == ["p/40:3", "p/42:1"])
        let removed = await cart.call("removeCartItem", customer: "ann", productID: "p", query: [("variant_id", "42")])
        #expect(try Self.lines(removed) == ["p/40:3"])
        await cart.close()
    }

    @Test func aGuestCartMergesPerVariantCappedByTheVariantsStock() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p", variants: ["40": (4, false), "42": (10, false)])
        _ = await Self.add(cart, "40", 2, customer: "ann")
        let token = try #require(await Self.add(cart, "40", 3).headers["X-Cart-Token"])
        _ = await Self.add(cart, "42", 1, token: token)
        let merged = await cart.get(customer: "ann", token: token)
        #expect(try Self.lines(merged) == ["p/40:4", "p/42:1"])  // 2 + 3 capped at size 40's 4 available
        await cart.close()
    }
}
