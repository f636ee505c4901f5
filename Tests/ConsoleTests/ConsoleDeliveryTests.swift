import Foundation
import ShopTesting
import ShopWeb
import SokoFunctions
import SokoTesting
import Testing

@testable import Console

/// The console's delivery zones page and the "Collected" action of an order paid on delivery,
/// through the real router, the host's auth and Orders' admin routes.
@Suite("Console delivery")
struct ConsoleDeliveryTests {
    struct Zone: Decodable {
        var id: String
        var name: String
        var fee: Int
        var freeAbove: Int?
        var pickup: Bool
        var cashOnDelivery: Bool
        var active: Bool
        enum CodingKeys: String, CodingKey {
            case id, name, fee, pickup, active
            case freeAbove = "free_above"
            case cashOnDelivery = "cash_on_delivery"
        }
    }

    struct Zones: Decodable { var items: [Zone] }

    @Test func anAdminAddsAndEditsZonesAndRefusalsAreShown() async throws {
        let shop = try await ConsoleShop.start()
        let empty = await shop.get("/admin/zones", as: shop.admin)
        #expect(empty.status == 200 && empty.text.contains("None yet"))
        #expect(empty.text.contains("aria-current=\"page\">Delivery zones</a>"))
        let added = await shop.post(
            "/admin/zones",
            [
                ("name", "Nairobi <CBD>"), ("fee", "200"), ("free_above", "5,000"), ("currency", "KES"),
                ("cash_on_delivery", "1"),
                ("active", "1"),
            ], as: shop.admin)
        #expect(added.status == 303 && added.headers["Location"] == "/admin/zones", "\(added.text)")
        var zones = try await shop.shop.request("GET", "/admin/delivery-zones", token: shop.admin).json(Zones.self).items
        let zone = try #require(zones.first)
        #expect(zone.name == "Nairobi <CBD>" && zone.fee == 20_000 && zone.freeAbove == 500_000)
        #expect(zone.cashOnDelivery && zone.active && !zone.pickup)
        let page = await shop.get("/admin/zones", as: shop.admin)
        #expect(page.text.contains("value=\"Nairobi &lt;CBD&gt;\"") && page.text.contains("value=\"200.00\""))

        // Unticked boxes switch off; an empty free-from amount removes it.
        let saved = await shop.post(
            "/admin/zones/\(zone.id)", [("name", "CBD"), ("fee", "250"), ("free_above", ""), ("currency", "KES")], as: shop.admin)
        #expect(saved.status == 303, "\(saved.text)")
        zones = try await shop.shop.request("GET", "/admin/delivery-zones", token: shop.admin).json(Zones.self).items
        #expect(zones.first?.fee == 25_000 && zones.first?.freeAbove == nil && zones.first?.active == false)
        #expect(zones.first?.cashOnDelivery == false)

        let bad = await shop.post("/admin/zones", [("name", ""), ("fee", "two hundred"), ("currency", "KES")], as: shop.admin)
        #expect(bad.status == 422 && bad.text.contains("Fee: must be an amount"))
        let unnamed = await shop.post("/admin/zones", [("name", " "), ("fee", "1"), ("currency", "KES")], as: shop.admin)
        #expect(unnamed.status == 422 && unnamed.text.contains("must be 1 to 80 printable characters"), "\(unnamed.text)")
        let ann = try await shop.shop.customer("ann@example.com")
        #expect(await shop.post("/admin/zones", [("name", "X"), ("fee", "1")], as: ann).status == 403)
        await shop.shutdown()
    }

    @Test func anAdminRecordsTheCashOfAnOrderPaidOnDelivery() async throws {
        let shop = try await ConsoleShop.start()
        let product = try await shop.kettle()
        let zone = try await shop.shop.request(
            "POST", "/admin/delivery-zones", token: shop.admin,
            json: [
                "id": JSONValue.string("cbd"), "name": .string("Nairobi CBD"), "fee": .integer(20_000),
                "currency": .string("KES"), "cash_on_delivery": .bool(true),
            ])
        #expect(zone.status == 201, "\(zone.text)")
        let ann = try await shop.shop.customer("ann@example.com")
        _ = try await shop.shop.request(
            "POST", "/cart/items", token: ann, json: ["product_id": JSONValue.string(product), "quantity": .integer(1)])
        let order = try await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", UUID().uuidString)],
            json: [
                "shipping_address": JSONValue.object([
                    "name": .string("Ann"), "line1": .string("1 Moi Avenue"), "city": .string("Nairobi"),
                    "country": .string("KE"),
                ]),
                "delivery_zone": .string("cbd"), "payment_method": .string("mpesa_on_delivery"),
            ]
        ).json(ShopTesting.Identified.self).id

        let page = await shop.get("/admin/sales/\(order)", as: shop.admin)
        #expect(page.text.contains("<dt>Delivery zone</dt><dd>Nairobi CBD</dd>"))
        #expect(page.text.contains("<dt>Payment</dt><dd>M-Pesa on delivery</dd>"))
        #expect(page.text.contains(">Collected</button>") && page.text.contains("KES 2,700.00"))
        #expect(!page.text.contains(">Ship</button>"))
        #expect(await shop.get("/admin/sales?status=confirmed", as: shop.admin).text.contains(String(order.prefix(8))))
        let dashboard = await shop.get("/admin", as: shop.admin)
        #expect(dashboard.text.contains("To deliver and collect</a><strong>1</strong>"), "\(dashboard.text)")

        let wrong = await shop.post("/admin/sales/\(order)/collect", [("method", "cheque")], as: shop.admin)
        #expect(wrong.status == 422 && wrong.text.contains("must be cash or mpesa"), "\(wrong.text)")
        let collected = await shop.post(
            "/admin/sales/\(order)/collect", [("method", "mpesa"), ("reference", "QKX12ABC3D")], as: shop.admin)
        #expect(collected.status == 303 && collected.headers["Location"] == "/admin/sales/\(order)")
        #expect(try await shop.shop.request("GET", "/orders/\(order)", token: ann).json(OrderDocument.self).status == "paid")
        let paid = await shop.get("/admin/sales/\(order)", as: shop.admin)
        #expect(!paid.text.contains(">Collected</button>") && paid.text.contains(">Ship</button>"))
        let again = await shop.post("/admin/sales/\(order)/collect", [("method", "cash")], as: shop.admin)
        #expect(again.status == 422 && again.text.contains("role=\"alert\""), "\(again.text)")
        await shop.shutdown()
    }
}
