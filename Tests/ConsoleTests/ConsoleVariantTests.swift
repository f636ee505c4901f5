import Foundation
import ShopTesting
import ShopWeb
import SokoFunctions
import SokoTesting
import Testing

/// The console's product page for variants: declare options, add variants, set their stock.
@Suite("Console variants")
struct ConsoleVariantTests {
    struct Shown: Decodable {
        struct Variant: Decodable {
            var sku: String
            var price: Int
            var available: Int
            var optionText: String
            enum CodingKeys: String, CodingKey {
                case sku, price, available
                case optionText = "option_text"
            }
        }
        var available: Int
        var variants: [Variant]
    }

    @Test func anAdminDeclaresSizesAddsVariantsAndSetsTheirStock() async throws {
        let shop = try await ConsoleShop.start()
        let category = try await shop.category("Shoes")
        let created = await shop.post(
            "/admin/catalog/new",
            [("sku", "AKALA"), ("name", "Akala Sandals"), ("price", "800"), ("currency", "KES"), ("category_id", category)],
            as: shop.admin)
        #expect(created.status == 303, "\(created.text)")
        let location = try #require(created.headers["Location"])
        let id = String(location.dropFirst("/admin/catalog/".count))

        var page = await shop.get(location, as: shop.admin)
        #expect(page.text.contains("Declare options"))
        #expect(await shop.post("\(location)/options", [("options", "Size: 40, 42")], as: shop.admin).status == 303)
        page = await shop.get(location, as: shop.admin)
        #expect(page.text.contains("<li>Size: 40, 42</li>") && page.text.contains("Add variant"))
        #expect(!page.text.contains("Update stock"))  // stock is per variant now

        let first = await shop.post(
            "\(location)/variants", [("option-0", "40"), ("sku", "AKALA-40"), ("price", ""), ("on_hand", "4")], as: shop.admin)
        #expect(first.status == 303, "\(first.text)")
        let second = await shop.post(
            "\(location)/variants", [("option-0", "42"), ("sku", "AKALA-42"), ("price", "950"), ("on_hand", "0")],
            as: shop.admin)
        #expect(second.status == 303, "\(second.text)")
        // The same size again is refused with the reason on the page.
        let again = await shop.post(
            "\(location)/variants", [("option-0", "42"), ("sku", "AKALA-42B"), ("on_hand", "1")], as: shop.admin)
        #expect(again.status == 422 && again.text.contains("already has a variant"))

        page = await shop.get(location, as: shop.admin)
        #expect(page.text.contains("Size: 40") && page.text.contains("AKALA-42") && page.text.contains("KES 950.00"))
        var shown = try await shop.shop.request("GET", "/products/\(id)").json(Shown.self)
        #expect(shown.variants.map(\.sku) == ["AKALA-40", "AKALA-42"])
        #expect(shown.variants.map(\.price) == [80_000, 95_000])
        #expect(shown.available == 4)

        // Setting a variant's stock from its row's form.
        let action = try #require(
            page.text.range(
                of: #"/admin/catalog/[0-9a-f-]{36}/variants/[0-9a-f-]{36}/stock"#, options: .regularExpression,
                range: page.text.range(of: "AKALA-42")!.lowerBound..<page.text.endIndex))
        #expect(await shop.post(String(page.text[action]), [("on_hand", "6")], as: shop.admin).status == 303)
        shown = try await shop.shop.request("GET", "/products/\(id)").json(Shown.self)
        #expect(shown.variants.map(\.available) == [4, 6])
        #expect(shown.available == 10)
        await shop.shutdown()
    }
}
