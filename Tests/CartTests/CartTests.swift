import Contracts
import SokoFunctions
import Testing

@testable import Cart

/// The cart's rules, through the registered handlers, with a fake catalog behind `context.invoke`.
@Suite("Cart")
struct CartTests {
    @Test func aGuestCartLivesBehindItsToken() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1", price: 1_500)
        cart.catalog.put("p2", price: 200)

        let empty = try await cart.get().cart()
        #expect(empty.items.isEmpty && empty.subtotal == 0 && empty.id == nil && empty.cartToken == nil)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts") == 0)

        let added = await cart.add("p1", 2)
        #expect(added.status == 200)
        let token = try #require(added.headers["X-Cart-Token"])
        #expect(token.count == 43)
        #expect(try added.cart().cartToken == token)
        #expect(added.headers["Cache-Control"] == "no-store")
        // Only the token's hash is stored.
        let stored = try await cart.store.query("SELECT token_hash FROM carts", []).first?.string("token_hash")
        #expect(stored == CartToken(presented: token)?.hash)
        #expect(stored != token)

        #expect(await cart.add("p2", 1, token: token).status == 200)
        #expect(try await cart.update("p1", 3, token: token).cart().lines == ["p1:3", "p2:1"])
        let read = try await cart.get(token: token).cart()
        #expect(read.subtotal == 3 * 1_500 + 200)
        #expect(read.itemCount == 4)
        #expect(read.cartToken == token)
        #expect(try await cart.update("p1", 0, token: token).cart().lines == ["p2:1"])
        #expect(try await cart.remove("p2", token: token).cart().lines.isEmpty)
        #expect(await cart.add("p2", 5, token: token).status == 200)
        let cleared = try await cart.clear(token: token).cart()
        #expect(cleared.items.isEmpty && cleared.cartToken == token)
        // The emptied cart keeps its token.
        #expect(await cart.get(token: token).status == 200)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts") == 1)
        await cart.close()
    }

    @Test(arguments: ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "short", "not a token at all but 43 characters long!"])
    func anUnknownOrMalformedTokenIsNotFoundAndStartsNoCart(_ token: String) async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        #expect(await cart.get(token: token).code == "cart-not-found")
        #expect(await cart.add("p1", 1, token: token).code == "cart-not-found")
        #expect(await cart.update("p1", 1, token: token).status == 404)
        #expect(await cart.clear(token: token).status == 404)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts") == 0)
        await cart.close()
    }

    @Test func aCustomerCartIsKeyedByTheCustomer() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1", price: 700)
        let added = await cart.add("p1", 2, customer: "ann")
        #expect(added.headers["X-Cart-Token"] == nil)
        let view = try added.cart()
        #expect(view.cartToken == nil && view.id != nil && view.subtotal == 1_400 && view.currency == "KES")
        #expect(try await cart.add("p1", 3, customer: "ann").cart().lines == ["p1:5"])
        #expect(try await cart.get(customer: "ann").cart().id == view.id)
        await cart.close()
    }

    @Test(arguments: [0, -1, 21, 99, 100, 1_000])
    func addRefusesQuantitiesOutsideOneToTheLineLimit(_ quantity: Int) async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        let answer = await cart.add("p1", quantity, customer: "ann")
        #expect(answer.status == 422)
        #expect(answer.problem?.errors?.first?.field == "quantity")
        await cart.close()
    }

    @Test(arguments: [(-1, 422), (100, 422), (21, 422), (20, 200), (0, 200)])
    func updateTakesZeroToTheLineLimit(_ quantity: Int, _ status: Int) async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        _ = await cart.add("p1", 1, customer: "ann")
        #expect(await cart.update("p1", quantity, customer: "ann").status == status)
        await cart.close()
    }

    @Test func aLineNeverPassesTheLineLimit() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        #expect(await cart.add("p1", 12, customer: "ann").status == 200)
        let over = await cart.add("p1", 9, customer: "ann")
        #expect(over.status == 422)
        #expect(over.problem?.errors?.first?.message.contains("at most 20 of a product (it holds 12)") == true)
        #expect(try await cart.add("p1", 8, customer: "ann").cart().lines == ["p1:20"])
        await cart.close()
    }

    /// `SOKO_MAX_LINE_QUANTITY` sets the limit (up to the schema's 99); a value out of range stops
    /// the bundle at start.
    @Test func theLineLimitIsASetting() async throws {
        let cart = try await CartHarness(environment: ["SOKO_MAX_LINE_QUANTITY": "5"])
        cart.catalog.put("p1")
        let added = await cart.add("p1", 6, customer: "ann")
        #expect(added.status == 422)
        #expect(added.problem?.errors?.first?.message == "must be an integer from 1 to 5")
        #expect(await cart.add("p1", 5, customer: "ann").status == 200)
        #expect(await cart.update("p1", 6, customer: "ann").status == 422)
        #expect(await cart.add("p1", 1, customer: "ann").status == 422)
        await cart.close()
        let big = try await CartHarness(environment: ["SOKO_MAX_LINE_QUANTITY": "99"])
        big.catalog.put("p1")
        #expect(await big.add("p1", 99, customer: "ann").status == 200)
        await big.close()
        let compute = ComputePool(threads: 1)
        for bad in ["0", "100", "ten"] {
            let registry = CartBundle.registry(environment: ["SOKO_MAX_LINE_QUANTITY": bad], compute: compute)
            #expect(registry.refusals.first?.contains("SOKO_MAX_LINE_QUANTITY") == true)
        }
        compute.shutdown()
    }

    @Test func settingAQuantityNeedsTheLineButRemovingDoesNot() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("p1")
        #expect(await cart.update("p1", 2, customer: "ann").code == "item-not-found")
        _ = await cart.add("p1", 1, customer: "ann")
        #expect(await cart.update("p9", 2, customer: "ann").code == "item-not-found")
        #expect(await cart.update("p9", 0, customer: "ann").status == 200)
        #expect(try await cart.remove("p9", customer: "ann").cart().lines == ["p1:1"])
        await cart.close()
    }

    @Test func unknownAndArchivedProductsCannotBeAdded() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("old", archived: true)
        #expect(await cart.add("nope", 1, customer: "ann").code == "product-not-found")
        #expect(await cart.add("nope", 1, customer: "ann").status == 404)
        let archived = await cart.add("old", 1, customer: "ann")
        #expect(archived.status == 422 && archived.code == "product-archived")
        // An anonymous caller whose add failed got no cart.
        #expect(await cart.add("nope", 1).status == 404)
        #expect(try await cart.count("SELECT COUNT(*) AS n FROM carts") == 0)
        await cart.close()
    }

    @Test func oneCartHoldsOneCurrency() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("kes")
        cart.catalog.put("usd", currency: "USD")
        _ = await cart.add("kes", 1, customer: "ann")
        #expect(await cart.add("usd", 1, customer: "ann").code == "currency-mismatch")
        _ = await cart.remove("kes", customer: "ann")
        #expect(try await cart.add("usd", 1, customer: "ann").cart().currency == "USD")
        await cart.close()
    }

    @Test func totalsAndWarningsFollowTheCatalogNow() async throws {
        let cart = try await CartHarness()
        for id in ["a", "b", "c", "d", "e"] { cart.catalog.put(id, price: 100) }
        for id in ["a", "b", "c", "d", "e"] { _ = await cart.add(id, 2, customer: "ann") }
        #expect(try await cart.get(customer: "ann").cart().subtotal == 1_000)

        cart.catalog.put("a", price: 250)  // price raised
        cart.catalog.put("b", price: 100, available: 1)  // stock dropped below the line
        cart.catalog.put("c", price: 100, available: 0)  // sold out
        cart.catalog.put("d", price: 100, archived: true)  // archived
        cart.catalog.delete("e")  // gone
        let view = try await cart.get(customer: "ann").cart()
        let byID = Dictionary(uniqueKeysWithValues: view.items.map { ($0.productID, $0) })
        #expect(byID["a"]?.unitPrice == 250 && byID["a"]?.lineTotal == 500 && byID["a"]?.warning == nil)
        #expect(byID["b"]?.warning == "insufficient_stock" && byID["b"]?.available == 1)
        #expect(byID["c"]?.warning == "out_of_stock")
        #expect(byID["d"]?.warning == "unavailable" && byID["d"]?.lineTotal == nil)
        #expect(byID["e"]?.warning == "unavailable" && byID["e"]?.name == nil && byID["e"]?.unitPrice == nil)
        // Unavailable lines are left out of the subtotal; stock warnings are not.
        #expect(view.subtotal == 500 + 200 + 200)
        #expect(view.itemCount == 10)
        await cart.close()
    }

    @Test func warningsAreNullWhenAbsent() async throws {
        let cart = try await CartHarness()
        cart.catalog.put("a")
        let text = String(decoding: await cart.add("a", 1, customer: "ann").body, as: UTF8.self)
        #expect(text.contains(#""warning":null"#))
        await cart.close()
    }

    @Test func checkoutReadsTheCustomersLinesOldestFirst() async throws {
        let cart = try await CartHarness()
        for id in ["z", "a", "m"] { cart.catalog.put(id) }
        for id in ["z", "a", "m"] { _ = await cart.add(id, 1, customer: "ann") }
        _ = await cart.add("z", 2, customer: "ann")
        let answer = await cart.call("checkoutCart", service: true, body: #"{"customer_id":"ann"}"#)
        let output = try JSONCoding.decode(CartCheckout.self, from: answer.body)
        #expect(output.items.map(\.productID) == ["z", "a", "m"])
        #expect(output.items.first?.quantity == 3)
        let nobody = await cart.call("checkoutCart", service: true, body: #"{"customer_id":"bob"}"#)
        #expect(try JSONCoding.decode(CartCheckout.self, from: nobody.body).items.isEmpty)
        await cart.close()
    }
}
