import SokoFunctions
import Testing

@testable import Cart

/// A guest cart merges into the customer's on the first cart call after login that presents its token.
@Suite("Cart merge and ownership")
struct CartMergeTests {
    @Test func loginMergesTheGuestCartOnceSummingAndCappingByAvailability() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a", available: 4)
        cart.catalog.put("b")
        cart.catalog.put("c")
        _ = await cart.add("c", 1, customer: "ann")
        _ = await cart.add("a", 2, customer: "ann")
        let token = try #require(await cart.add("a", 3).headers["X-Cart-Token"])
        _ = await cart.add("b", 1, token: token)

        let merged = try await cart.get(customer: "ann", token: token).cart()
        #expect(merged.lines == ["c:1", "a:4", "b:1"])  // 2 + 3 capped at the 4 available
        #expect(merged.cartToken == nil)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts") == 1)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM cart_items") == 3)

        // Presenting the token again changes nothing; alone it no longer names a cart.
        #expect(try await cart.add("c", 1, customer: "ann", token: token).cart().lines == ["c:2", "a:4", "b:1"])
        #expect(await cart.get(token: token).code == "cart-not-found")
        await cart.close()
    }

    @Test func concurrentCallsMergeAGuestCartOnlyOnce() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a", available: 50)
        let token = try #require(await cart.add("a", 3).headers["X-Cart-Token"])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = await cart.get(customer: "ann", token: token) } }
        }
        #expect(try await cart.get(customer: "ann").cart().lines == ["a:3"])
        await cart.close()
    }

    @Test func aMergeIntoANewCustomerCartKeepsTheGuestsLines() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        cart.catalog.put("gone")
        let token = try #require(await cart.add("a", 19).headers["X-Cart-Token"])
        _ = await cart.add("gone", 2, token: token)
        cart.catalog.delete("gone")
        _ = await cart.add("a", 1, customer: "bob")
        let merged = try await cart.get(customer: "bob", token: token).cart()
        // 1 + 19 = 20 fits the line limit but not the 10 available: the sum is capped at availability.
        #expect(merged.lines == ["a:10", "gone:2"])
        #expect(merged.items.last?.warning == "unavailable")
        await cart.close()
    }

    @Test(
        arguments: [
            // customer, guest, available, merged
            (0, 3, 10, 3),
            (2, 3, 4, 4),
            (5, 3, 2, 5),  // never below what the customer already held
            (0, 3, 0, 1),  // an out-of-stock guest line stays visible
            (60, 60, 200, 99),
            (0, 7, nil, 7),
        ] as [(Int, Int, Int?, Int)])
    func mergedQuantities(_ customer: Int, _ guest: Int, _ available: Int?, _ merged: Int) {
        #expect(CartMerge.mergedQuantity(customer: customer, guest: guest, available: available) == merged)
    }

    @Test func customersReachOnlyTheirOwnCarts() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let ann = try await cart.add("a", 2, customer: "ann").cart()
        let bob = try await cart.get(customer: "bob").cart()
        #expect(bob.items.isEmpty && bob.id == nil)
        #expect(await cart.update("a", 5, customer: "bob").code == "item-not-found")
        #expect(try await cart.remove("a", customer: "bob").cart().items.isEmpty)
        #expect(try await cart.clear(customer: "bob").cart().items.isEmpty)
        let after = try await cart.get(customer: "ann").cart()
        #expect(after.lines == ["a:2"] && after.id == ann.id)
        await cart.close()
    }

    @Test func aGuestTokenIsABearerSecretWhoeverPresentsItOwnsTheCart() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let token = try #require(await cart.add("a", 1).headers["X-Cart-Token"])
        // Bob signs in holding the token: the guest cart becomes his.
        #expect(try await cart.get(customer: "bob", token: token).cart().lines == ["a:1"])
        #expect(await cart.get(token: token).code == "cart-not-found")
        #expect(try await cart.get(customer: "ann", token: token).cart().items.isEmpty)
        await cart.close()
    }

    @Test func aCustomersCartCannotBeReachedWithAToken() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        _ = await cart.add("a", 1, customer: "ann")
        // Customer carts have no token hash, so no token can match one.
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts WHERE token_hash IS NOT NULL") == 0)
        await cart.close()
    }
}
