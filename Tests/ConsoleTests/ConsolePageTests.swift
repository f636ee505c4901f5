import Foundation
import Orders
import ShopTesting
import ShopWeb
import SokoFunctions
import SokoTesting
import Testing

@testable import Console

/// The console's pages through the real router, the host's auth and the callees' admin routes.
@Suite("Merchant console")
struct ConsolePageTests {
    @Test func signedOutVisitorsAreSentToSignInAndCustomersGet403() async throws {
        let shop = try await ConsoleShop.start()
        let out = await shop.get("/admin/sales?status=paid", as: nil)
        #expect(out.status == 303)
        #expect(out.headers["Location"] == "/signin?next=%2Fadmin%2Fsales%3Fstatus%3Dpaid")
        // A token the Users bundle never issued is no session either.
        #expect(await shop.get("/admin", as: "not-a-token").status == 303)

        let ann = try await shop.shop.customer("ann@example.com")
        let forbidden = await shop.get("/admin", as: ann)
        #expect(forbidden.status == 403)
        #expect(forbidden.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(forbidden.text.contains("admin role"))
        // Nor can a customer post a console form, even with a valid CSRF token.
        let posted = await shop.post("/admin/categories", [("name", "Sneaky")], as: ann)
        #expect(posted.status == 403)
        #expect(try await shop.shop.store("catalog").query("SELECT id FROM categories", []).isEmpty)
        await shop.shutdown()
    }

    @Test(arguments: [
        "/admin", "/admin/catalog", "/admin/catalog/new", "/admin/categories", "/admin/sales", "/admin/mail",
        "/admin/dead-letters",
    ])
    func everyPageIsHTMLWithTheSecurityHeaders(_ path: String) async throws {
        let shop = try await ConsoleShop.start()
        let page = await shop.get(path, as: shop.admin)
        #expect(page.status == 200, "\(path): \(page.text)")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        let policy = page.headers["Content-Security-Policy"] ?? ""
        #expect(
            policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline")
        )
        #expect(page.headers["X-Content-Type-Options"] == "nosniff")
        #expect(page.headers["Referrer-Policy"] != nil)
        #expect(page.headers["Cache-Control"] == "no-store")
        // Landmarks, the skip link, no inline script, the navigation and the sign-out form.
        for needle in ["<main id=\"main\"", "<nav aria-label=\"Console\">", "<header>", "href=\"#main\"", "Sign out"] {
            #expect(page.text.contains(needle), "\(path) lacks \(needle)")
        }
        #expect(!page.text.contains("<script>") && !page.text.contains("style=\""))
        // Its stylesheet is served under a hashed name, cached for a year.
        let css = try #require(page.text.firstMatch(of: /href="(\/admin\/assets\/console\.[0-9a-f]{10}\.css)"/)?.1)
        let sheet = await shop.shop.request("GET", String(css))
        #expect(sheet.status == 200 && sheet.headers["Cache-Control"] == "public, max-age=31536000, immutable")
        await shop.shutdown()
    }

    @Test func formsWithoutTheRightCSRFTokenAreRefused() async throws {
        let shop = try await ConsoleShop.start()
        for token in ["", "forged-token", shop.csrf.token(for: "another-browser")] {
            let refused = await shop.post("/admin/categories", [("name", "Kitchen")], as: shop.admin, csrf: token)
            #expect(refused.status == 403)
            #expect(refused.headers["Content-Type"]?.hasPrefix("text/html") == true)
        }
        #expect(try await shop.shop.store("catalog").query("SELECT id FROM categories", []).isEmpty)
        let accepted = await shop.post("/admin/categories", [("name", "Kitchen")], as: shop.admin)
        #expect(accepted.status == 303 && accepted.headers["Location"] == "/admin/categories")
        #expect(try await shop.shop.store("catalog").query("SELECT id FROM categories", []).count == 1)
        await shop.shutdown()
    }

    @Test func anAdminCreatesEditsStocksAndArchivesAProductWhoseNameIsShownAsText() async throws {
        let shop = try await ConsoleShop.start()
        let category = try await shop.category("Kitchen")
        let hostile = "<script>alert(1)</script>"
        let created = await shop.post(
            "/admin/catalog/new",
            [
                ("sku", "JIKO-9"), ("name", hostile), ("price", "1,250.50"), ("currency", "KES"), ("category_id", category),
                ("description", "Saves charcoal"), ("images", "https://images.example.org/jiko.jpg"), ("on_hand", "12"),
            ], as: shop.admin)
        #expect(created.status == 303, "\(created.text)")
        let location = try #require(created.headers["Location"])
        #expect(location.hasPrefix("/admin/catalog/"))
        let id = String(location.dropFirst("/admin/catalog/".count))
        let product = try await shop.shop.request("GET", "/products/\(id)").json(ProductDocument.self)
        #expect(product.name == hostile && product.price == 125_050 && product.available == 12)
        #expect(created.headers.values("Set-Cookie").contains { $0.hasPrefix(WebSession.Cookie.flash + "=") })

        for path in ["/admin/catalog", location] {
            let page = await shop.get(path, as: shop.admin)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.text.contains(hostile))
        }

        // A bad price comes back as the form with the reason, the typed values kept.
        let refused = await shop.post(
            "/admin/catalog/\(id)",
            [("sku", "JIKO-9"), ("name", "Jiko"), ("price", "12.345"), ("currency", "KES"), ("category_id", category)],
            as: shop.admin)
        #expect(refused.status == 422)
        #expect(refused.text.contains("Price: must be an amount"))
        let saved = await shop.post(
            "/admin/catalog/\(id)",
            [("sku", "JIKO-9"), ("name", "Ceramic Jiko"), ("price", "1300"), ("currency", "KES"), ("category_id", category)],
            as: shop.admin)
        #expect(saved.status == 303)
        #expect(try await shop.shop.request("GET", "/products/\(id)").json(ProductDocument.self).price == 130_000)

        #expect(await shop.post("/admin/catalog/\(id)/stock", [("on_hand", "3")], as: shop.admin).status == 303)
        #expect(try await shop.shop.request("GET", "/products/\(id)").json(ProductDocument.self).available == 3)
        let negative = await shop.post("/admin/catalog/\(id)/stock", [("on_hand", "-1")], as: shop.admin)
        #expect(negative.status == 422)

        #expect(await shop.post("/admin/catalog/\(id)/archive", [("archived", "true")], as: shop.admin).status == 303)
        #expect(await shop.shop.request("GET", "/products/\(id)").status == 404)
        let archived = await shop.get("/admin/catalog?status=archived", as: shop.admin)
        #expect(archived.text.contains("Ceramic Jiko") && archived.text.contains("Archived"))
        #expect(await shop.post("/admin/catalog/\(id)/archive", [("archived", "false")], as: shop.admin).status == 303)
        #expect(await shop.shop.request("GET", "/products/\(id)").status == 200)
        await shop.shutdown()
    }

    @Test func anAdminShipsAndDeliversAPaidOrderFromItsPage() async throws {
        let shop = try await ConsoleShop.start()
        let product = try await shop.kettle()
        let ann = try await shop.shop.customer("ann@example.com")
        _ = try await shop.shop.request(
            "POST", "/cart/items", token: ann, json: ["product_id": JSONValue.string(product), "quantity": .integer(1)])
        let order = try await shop.shop.request(
            "POST", "/orders", token: ann, headers: [("Idempotency-Key", UUID().uuidString)],
            json: ["shipping_address": ["name": "Ann", "line1": "1 Moi Avenue", "city": "Nairobi", "country": "KE"]]
        ).json(ShopTesting.Identified.self).id

        // Awaiting payment: cancel is offered, ship is not, and posting ship anyway is refused (409).
        let pending = await shop.get("/admin/sales/\(order)", as: shop.admin)
        #expect(pending.status == 200)
        #expect(pending.text.contains("Cancel order") && !pending.text.contains(">Ship</button>"))
        let early = await shop.post(
            "/admin/sales/\(order)/ship", [("carrier", "G4S"), ("tracking_number", "KE123")], as: shop.admin)
        #expect(early.status == 409 || early.status == 422)

        try await OrdersTestPayment.markPaid(order, shop: shop.shop)
        let paid = await shop.get("/admin/sales/\(order)", as: shop.admin)
        #expect(paid.text.contains(">Ship</button>") && paid.text.contains("Tracking number"))
        #expect(await shop.get("/admin/sales?status=paid", as: shop.admin).text.contains(String(order.prefix(8))))

        let shipped = await shop.post(
            "/admin/sales/\(order)/ship", [("carrier", "G4S"), ("tracking_number", "KE-TRACK-42")], as: shop.admin)
        #expect(shipped.status == 303 && shipped.headers["Location"] == "/admin/sales/\(order)")
        let mine = try await shop.shop.request("GET", "/orders/\(order)", token: ann).json(OrderDocument.self)
        #expect(mine.status == "shipped" && mine.trackingNumber == "KE-TRACK-42")
        let detail = await shop.get("/admin/sales/\(order)", as: shop.admin)
        #expect(detail.text.contains("KE-TRACK-42") && detail.text.contains(">Deliver</button>"))

        #expect(await shop.post("/admin/sales/\(order)/deliver", [], as: shop.admin).status == 303)
        #expect(try await shop.shop.request("GET", "/orders/\(order)", token: ann).json(OrderDocument.self).status == "delivered")

        // A guest's order names the guest's email and phone rather than an account.
        let guest = await shop.shop.request(
            "POST", "/guest/orders", headers: [("Idempotency-Key", UUID().uuidString)],
            body: Array(
                #"{"email":"Guest@Example.com","phone":"0712345678","shipping_address":{"name":"G","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":[{"product_id":"\#(product)","quantity":1}]}"#
                    .utf8))
        #expect(guest.status == 201, "\(guest.text)")
        let guestOrder = try guest.json(ShopTesting.Identified.self).id
        let guestPage = await shop.get("/admin/sales/\(guestOrder)", as: shop.admin)
        #expect(guestPage.text.contains("<dt>Customer</dt><dd>Guest: guest@example.com, +254712345678</dd>"), "\(guestPage.text)")
        await shop.shutdown()
    }

    @Test func categoriesAreAddedAndRenamedAndRefusalsAreShown() async throws {
        let shop = try await ConsoleShop.start()
        #expect(await shop.post("/admin/categories", [("name", "Kitchen")], as: shop.admin).status == 303)
        #expect(await shop.post("/admin/categories", [("name", "Garden")], as: shop.admin).status == 303)
        let rows = try await shop.shop.store("catalog").query("SELECT id, slug FROM categories ORDER BY slug", [])
        let garden = try #require(try rows.first?.string("id"))
        let kitchen = try #require(try rows.last?.string("id"))
        let moved = await shop.post(
            "/admin/categories/\(kitchen)", [("name", "Cooking"), ("slug", "cooking"), ("parent_id", garden)], as: shop.admin)
        #expect(moved.status == 303)
        let page = await shop.get("/admin/categories", as: shop.admin)
        #expect(page.text.contains("value=\"Cooking\"") && page.text.contains("— Cooking"))
        let taken = await shop.post(
            "/admin/categories/\(kitchen)", [("name", "Cooking"), ("slug", "garden"), ("parent_id", "")], as: shop.admin)
        #expect(taken.status == 422)
        #expect(taken.text.contains("another category has the slug garden"))
        await shop.shutdown()
    }
}

/// What the tests read of a product and an order through the public JSON routes.
struct ProductDocument: Decodable {
    var name: String
    var price: Int
    var available: Int
}

struct OrderDocument: Decodable {
    var status: String
    var trackingNumber: String?

    enum CodingKeys: String, CodingKey {
        case status
        case trackingNumber = "tracking_number"
    }
}

/// Marks an order paid the way the payments service's event does (through Orders' own transition
/// API; the sandbox's M-Pesa flow is exercised by the payments tests and the browser tests).
enum OrdersTestPayment {
    static func markPaid(_ order: String, shop: ShopHost) async throws {
        try await OrderTransitions.apply(
            orderID: order, to: .paid, actor: "payment:test", at: WallClock.system.now(), store: shop.store("orders"))
    }
}

/// The console's own settings: a production console needs its CSRF key, and nothing about cards.
@Suite("Console settings")
struct ConsoleSettingsTests {
    @Test func productionNeedsTheWebSecretButNoStripeKey() throws {
        #expect(throws: ConsoleSettingsError.self) { try ConsoleSettings.web(environment: [:], mode: .production) }
        #expect(throws: ConsoleSettingsError.self) {
            try ConsoleSettings.web(environment: ["SOKO_WEB_SECRET": "too short"], mode: .production)
        }
        let secret = String(repeating: "k", count: 32)
        let live = try ConsoleSettings.web(environment: ["SOKO_WEB_SECRET": secret], mode: .production)
        #expect(live.secureCookies && live.secret == Array(secret.utf8))
        let development = try ConsoleSettings.web(environment: ["SOKO_SHOP_NAME": "Duka"], mode: .development)
        #expect(!development.secureCookies && development.secret.count == 32 && development.shopName == "Duka")
    }
}
