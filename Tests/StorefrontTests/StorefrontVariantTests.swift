import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// A product sold as variants on the storefront: a plain form with a `<select>` per option, the
/// chosen combination mapped to its variant server-side, and the basket showing the options.
@Suite("Storefront variants")
struct StorefrontVariantTests {
    /// Sandals in sizes 40 (2 in stock), 42 (none) and 44 (priced apart, 1 in stock).
    static func sandals(_ store: StorefrontShop) async throws -> (id: String, variants: [String: String]) {
        let body: [String: JSONValue] = [
            "sku": .string("AKALA"), "name": .string("Akala Sandals"), "price": .integer(80_000), "currency": .string("KES"),
            "category_id": .string(store.category),
            "options": .array([.object(["name": .string("Size"), "values": .array(["40", "42", "44"].map { .string($0) })])]),
        ]
        let made = try await store.shop.request("POST", "/products", token: store.admin, json: body)
        guard made.status == 201 else { throw ShopTestError("product: \(made.status) \(made.text)") }
        let id = try made.json(Identified.self).id
        var variants: [String: String] = [:]
        for (size, stock, price) in [("40", 2, nil), ("42", 0, nil), ("44", 1, 95_000)] as [(String, Int, Int?)] {
            var variant: [String: JSONValue] = [
                "sku": .string("AKALA-\(size)"), "options": .object(["Size": .string(size)]), "on_hand": .integer(Int64(stock)),
            ]
            if let price { variant["price"] = .integer(Int64(price)) }
            let response = try await store.shop.request("POST", "/products/\(id)/variants", token: store.admin, json: variant)
            guard response.status == 201 else { throw ShopTestError("variant: \(response.status) \(response.text)") }
            variants[size] = try response.json(Identified.self).id
        }
        return (id, variants)
    }

    @Test("the product page offers a select per option and marks the sizes out of stock")
    func productPageShowsOptionSelectors() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let sandals = try await Self.sandals(store)
        let page = await PageBrowser(store.shop).get("/p/\(sandals.id)")
        #expect(page.status == 200)
        #expect(page.text.contains("<label for=\"option-0\">Size</label>"))
        #expect(page.text.contains("<select id=\"option-0\" name=\"option-0\" required>"))
        #expect(page.text.contains("<option value=\"40\" selected>40 — KES 800.00</option>"))
        #expect(page.text.contains("<option value=\"42\" disabled>42 — out of stock</option>"))
        #expect(page.text.contains("<option value=\"44\">44 — KES 950.00</option>"))
        #expect(page.text.contains("Size: 42: KES 800.00 — <span class=\"out\">Out of stock</span>"))
        // A plain form: it posts without JavaScript.
        #expect(page.text.contains("<form method=\"post\" action=\"/basket/items\">"))
    }

    @Test("choosing a size adds that variant; the basket shows its options and price")
    func chosenSizeGoesToTheBasket() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let sandals = try await Self.sandals(store)
        let browser = PageBrowser(store.shop)
        await browser.get("/p/\(sandals.id)")
        let added = await browser.post(
            "/basket/items", [("product_id", sandals.id), ("option-0", "44"), ("quantity", "1")])
        #expect(added.status == 303 && added.headers["Location"] == "/basket", "\(added.text)")
        var basket = await browser.get("/basket")
        #expect(basket.text.contains("Akala Sandals") && basket.text.contains("<p class=\"options\">Size: 44</p>"))
        #expect(basket.text.contains("KES 950.00"))
        #expect(basket.text.contains("name=\"variant_id\" value=\"\(sandals.variants["44"]!)\""))

        // A combination with no variant (a value that is not one of the options) is refused.
        await browser.get("/p/\(sandals.id)")
        let refused = await browser.post("/basket/items", [("product_id", sandals.id), ("option-0", "39"), ("quantity", "1")])
        #expect(refused.status == 303 && refused.headers["Location"] == "/p/\(sandals.id)")

        // The line's own form changes that variant's line.
        await browser.get("/basket")
        let updated = await browser.post(
            "/basket/items/\(sandals.id)", [("variant_id", sandals.variants["44"]!), ("remove", "1")])
        #expect(updated.status == 303)
        basket = await browser.get("/basket")
        #expect(basket.text.contains("Your cart is empty"))
    }
}
