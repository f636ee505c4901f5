import SokoFunctions
import Testing

@testable import Cart

/// A merge keeps the cart's own limits: the merged cart holds at most 100 products, as any cart.
@Suite("Cart merge limits")
struct CartMergeLimitTests {
    @Test func aMergeNeverTakesACartPastOneHundredProducts() async throws {
        let cart = try await CartHarness()
        for index in 0..<150 { cart.catalog.put("p\(index)") }
        for index in 0..<80 { #expect(await cart.add("p\(index)", 1, customer: "ann").status == 200) }
        // The guest holds 10 products Ann has too and 60 she has not.
        let token = try #require(await cart.add("p70", 2).headers["X-Cart-Token"])
        for index in 71..<140 { #expect(await cart.add("p\(index)", 1, token: token).status == 200) }

        let merged = try await cart.get(customer: "ann", token: token).cart()
        #expect(merged.items.count == CartLimits.maxLines)
        // Shared products are summed; new ones fill the cart in the guest's order until it is full.
        #expect(merged.items.first { $0.productID == "p70" }?.quantity == 3)
        #expect(merged.items.last?.productID == "p99")
        // The cart still works as a cart: full for another product, open for one it holds.
        #expect(await cart.add("p149", 1, customer: "ann").code == "cart-full")
        #expect(await cart.add("p0", 1, customer: "ann").status == 200)
        await cart.close()
    }
}
