import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Catalog

/// The merchant's view of the catalog: archived products, stock counters, category edits.
@Suite("Catalog for admins")
struct AdminCatalogTests {
    struct AdminRow: Decodable {
        var id: String
        var sku: String
        var archived: Bool
        var available: Int
        var onHand: Int
        var reserved: Int

        enum CodingKeys: String, CodingKey {
            case id, sku, archived, available, reserved
            case onHand = "on_hand"
        }
    }

    struct AdminPage: Decodable {
        var items: [AdminRow]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
    }

    func page(_ shop: CatalogShop, _ query: String) async throws -> AdminPage {
        let response = await shop.shop.request("GET", "/admin/products?\(query)", token: shop.admin)
        guard response.status == 200 else { throw ShopTestError("admin list \(query): \(response.status) \(response.text)") }
        return try response.json(AdminPage.self)
    }

    @Test func archivedProductsAndReservedStockShowOnlyToAdmins() async throws {
        let shop = try await CatalogShop.start()
        let things = try await shop.category("Things")
        let kettle = try await shop.product("KETTLE-1", name: "Kettle", category: things.id, onHand: 9)
        let jiko = try await shop.product("JIKO-2", name: "Ceramic Jiko", category: things.id, onHand: 4)
        #expect(try await shop.reserve(UUID().uuidString, [(kettle, 3)]).status == 200)
        #expect(await shop.shop.request("DELETE", "/products/\(jiko.id)", token: shop.admin).status == 204)

        let all = try await page(shop, "")
        #expect(Set(all.items.map(\.sku)) == ["KETTLE-1", "JIKO-2"])
        let kettleRow = try #require(all.items.first { $0.id == kettle.id })
        #expect(kettleRow.onHand == 9 && kettleRow.reserved == 3 && kettleRow.available == 6 && !kettleRow.archived)
        #expect(try await page(shop, "status=archived").items.map(\.id) == [jiko.id])
        #expect(try await page(shop, "status=active").items.map(\.id) == [kettle.id])
        // A part of the name or the SKU, any case; LIKE's wildcards are plain characters.
        #expect(try await page(shop, "q=jIkO").items.map(\.id) == [jiko.id])
        #expect(try await page(shop, "q=ttle-").items.map(\.id) == [kettle.id])
        #expect(try await page(shop, "q=%25").items.isEmpty)

        let one = await shop.shop.request("GET", "/admin/products/\(jiko.id)", token: shop.admin)
        #expect(one.status == 200)
        let row = try one.json(AdminRow.self)
        #expect(row.archived && row.onHand == 4 && row.reserved == 0)
        // The public routes still hide it.
        #expect(await shop.shop.request("GET", "/products/\(jiko.id)").status == 404)

        for path in ["/admin/products", "/admin/products/\(kettle.id)"] {
            #expect(await shop.shop.request("GET", path, token: shop.customer).status == 403)
            #expect(await shop.shop.request("GET", path).status == 401)
        }
        #expect(await shop.shop.request("GET", "/admin/products/nope", token: shop.admin).status == 404)
        await shop.shutdown()
    }

    @Test func theListPagesNewestFirstWithoutGapsAndRefusesBadParameters() async throws {
        let shop = try await CatalogShop.start()
        let things = try await shop.category("Things")
        var created: [String] = []
        for n in 0..<7 { created.append(try await shop.product("SKU-\(n)", category: things.id).id) }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await page(shop, "limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(page.items.count <= 3)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil && seen.count < 20
        #expect(seen.count == 7 && Set(seen) == Set(created))

        let bad = await shop.shop.request("GET", "/admin/products?status=gone&limit=0", token: shop.admin)
        #expect(bad.status == 422)
        #expect(Set(bad.fields) == ["status", "limit"])
        let forged = await shop.shop.request("GET", "/admin/products?cursor=%%%", token: shop.admin)
        #expect(forged.status == 400)
        #expect(forged.problem?.code == "invalid-cursor")
        await shop.shutdown()
    }

    @Test func categoriesAreRenamedMovedAndKeptATree() async throws {
        let shop = try await CatalogShop.start()
        let home = try await shop.category("Home")
        let kitchen = try await shop.category("Kitchen", parent: home.id)
        let pots = try await shop.category("Pots", parent: kitchen.id)
        let garden = try await shop.category("Garden")

        let renamed = try await shop.shop.request(
            "PATCH", "/categories/\(kitchen.id)", token: shop.admin, json: ["name": "Cooking", "slug": "cooking"])
        #expect(renamed.status == 200)
        let node = try renamed.json(CategoryNode.self)
        #expect(node.name == "Cooking" && node.slug == "cooking" && node.parentID == home.id)

        // Moved under another parent (by slug), then to the top (null).
        let moved = try await shop.shop.request(
            "PATCH", "/categories/\(kitchen.id)", token: shop.admin, json: ["parent_id": garden.slug])
        #expect(try moved.json(CategoryNode.self).parentID == garden.id)
        let rooted = await shop.shop.request(
            "PATCH", "/categories/\(kitchen.id)", token: shop.admin, body: Array(#"{"parent_id":null}"#.utf8))
        #expect(try rooted.json(CategoryNode.self).parentID == nil)

        // Never under itself or below itself; a taken slug is 409; unknown ids 404.
        for parent in [kitchen.id, pots.id] {
            let cycle = try await shop.shop.request(
                "PATCH", "/categories/\(kitchen.id)", token: shop.admin, json: ["parent_id": parent])
            #expect(cycle.status == 422)
            #expect(cycle.fields == ["parent_id"])
        }
        let taken = try await shop.shop.request(
            "PATCH", "/categories/\(pots.id)", token: shop.admin, json: ["slug": "garden"])
        #expect(taken.status == 409)
        #expect(taken.problem?.code == "slug-taken")
        let blank = try await shop.shop.request("PATCH", "/categories/\(pots.id)", token: shop.admin, json: ["name": " "])
        #expect(blank.status == 422)
        #expect(
            try await shop.shop.request("PATCH", "/categories/nope", token: shop.admin, json: ["name": "X"]).status == 404)
        #expect(
            try await shop.shop.request("PATCH", "/categories/\(pots.id)", token: shop.customer, json: ["name": "X"]).status
                == 403)
        await shop.shutdown()
    }
}
