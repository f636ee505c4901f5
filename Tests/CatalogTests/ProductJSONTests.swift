import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Catalog

/// `getProduct` writes its JSON by hand (JSONBuffer) for speed: it must be byte for byte what the
/// product's Codable form encodes to, whatever the text holds.
@Suite("getProduct's hand-written JSON")
struct ProductJSONTests {
    @Test func getProductAnswersExactlyWhatTheEncoderWould() async throws {
        let shop = try await CatalogShop.start()
        let category = try await shop.category("Odd Things")
        let product = try await shop.product(
            "ODD-1", name: "Quote \" backslash \\ slash / tab\tend", description: "line\nbreak \u{01} control é 茶 🍵",
            price: 12_345, category: category.id, onHand: 3,
            images: ["https://img.example/a.jpg", "https://img.example/b\"c.jpg"],
            attributes: ["colour": .string("red \"ish\""), "weight": .number(1.5), "fragile": .bool(true)])

        let response = await shop.shop.request("GET", "/products/\(product.id)")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let decoded = try response.json(ProductView.self)
        #expect(decoded == product)
        #expect(response.body == (try JSONCoding.encode(decoded)))
        // And it is JSON any parser reads, with the hostile text intact.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["name"] as? String == "Quote \" backslash \\ slash / tab\tend")
        #expect(object["description"] as? String == "line\nbreak \u{01} control é 茶 🍵")
        await shop.shutdown()
    }

    @Test func bufferEscapesEveryControlCharacter() throws {
        var json = JSONBuffer()
        json.openArray()
        for scalar in 0..<0x20 { json.string(String(UnicodeScalar(UInt8(scalar)))) }
        json.string(nil)
        json.int(-42)
        json.bool(false)
        json.closeArray()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [Any])
        #expect(parsed.count == 35)
        for scalar in 0..<0x20 { #expect(parsed[scalar] as? String == String(UnicodeScalar(UInt8(scalar)))) }
        #expect(parsed[32] is NSNull)
        #expect(parsed[33] as? Int == -42)
        #expect(parsed[34] as? Bool == false)
    }
}

@Suite("createProduct's category field")
struct CategoryFieldTests {
    @Test func aSubcategoryMayNameItsParentBySlug() async throws {
        let shop = try await CatalogShop.start()
        let drinks = try await shop.category("Drinks", slug: "drinks")
        let created = await shop.shop.request(
            "POST", "/categories", token: shop.admin, body: Array(#"{"name":"Tea","parent":"drinks"}"#.utf8))
        #expect(created.status == 201)
        #expect(try created.json(CategoryNode.self).parentID == drinks.id)
        let unknown = await shop.shop.request(
            "POST", "/categories", token: shop.admin, body: Array(#"{"name":"Juice","parent_id":"nope"}"#.utf8))
        #expect(unknown.status == 422)
        await shop.shutdown()
    }

    @Test func categoryMayBeNamedByIdOrSlugUnderEitherKey() async throws {
        let shop = try await CatalogShop.start()
        let tea = try await shop.category("Tea", slug: "tea")
        for (index, field) in [#""category":"tea""#, #""category":"\#(tea.id)""#, #""category_id":"tea""#].enumerated() {
            let body = #"{"sku":"T-\#(index)","name":"Chai","price":500,"currency":"KES",\#(field)}"#
            let response = await shop.shop.request("POST", "/products", token: shop.admin, body: Array(body.utf8))
            #expect(response.status == 201)
            #expect(try response.json(ProductView.self).categoryID == tea.id)
        }
        let unknown = await shop.shop.request(
            "POST", "/products", token: shop.admin,
            body: Array(#"{"sku":"T-9","name":"Chai","price":500,"currency":"KES","category":"coffee"}"#.utf8))
        #expect(unknown.status == 422)
        #expect(unknown.problem?.errors?.map(\.field) == ["category_id"])
        await shop.shutdown()
    }
}
