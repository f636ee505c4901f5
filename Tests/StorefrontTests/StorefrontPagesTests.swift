import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

/// The storefront's pages in the whole shop (in-process host, real router, auth and stores):
/// security headers, cookie flags, CSRF, escaping and the shopper's session.
@Suite("Storefront pages")
struct StorefrontPagesTests {
    @Test("every page carries the CSP without inline script and the other security headers")
    func securityHeaders() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let browser = PageBrowser(store.shop)
        let home = await browser.get("/")
        #expect(home.status == 200)
        #expect(home.headers["Content-Type"] == "text/html; charset=utf-8")
        let csp = try #require(home.headers["Content-Security-Policy"])
        #expect(csp.contains("script-src 'self';"))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
        #expect(home.headers["X-Content-Type-Options"] == "nosniff")
        #expect(home.headers["Referrer-Policy"] == "same-origin")
        #expect(!home.text.contains("<script>"), "no inline script")
        #expect(home.text.contains("<main id=\"main\"") && home.text.contains("<nav aria-label=\"Main\">"))
        #expect(home.text.contains("<label for=\"q\">Search</label>"))
    }

    @Test("the browser cookie is HttpOnly and SameSite=Lax, not Secure in development")
    func developmentCookieFlags() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let browser = PageBrowser(store.shop)
        await browser.get("/")
        let cookie = try #require(browser.setCookie("soko_sid"))
        #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax") && cookie.contains("; Path=/"))
        #expect(!cookie.contains("Secure"))
    }

    @Test("a product named <script>alert(1)</script> shows as text")
    func escapesProductNames() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let id = try await store.product("<script>alert(1)</script>", sku: "XSS-1")
        let browser = PageBrowser(store.shop)
        for target in ["/p/\(id)", "/", "/c/kitchen", "/search?q=alert"] {
            let page = await browser.get(target)
            #expect(page.status == 200, "\(target)")
            #expect(!page.text.contains("<script>alert(1)"), "\(target)")
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(target)")
        }
    }

    @Test("a form posted without this browser's CSRF token changes nothing")
    func csrf() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let id = try await store.product("Sufuria", sku: "SUF-1")
        let browser = PageBrowser(store.shop)
        await browser.get("/p/\(id)")
        let missing = await browser.post("/basket/items", [("product_id", id), ("quantity", "1")], csrf: false)
        #expect(missing.status == 403)
        let other = PageBrowser(store.shop)
        await other.get("/p/\(id)")
        let foreign = try #require(other.csrfToken)
        let wrong = await browser.post("/basket/items", [("product_id", id), ("quantity", "1"), ("csrf", foreign)], csrf: false)
        #expect(wrong.status == 403)
        #expect(browser.cookies["soko_cart"] == nil, "no cart was started")
        await browser.get("/p/\(id)")
        let added = await browser.post("/basket/items", [("product_id", id), ("quantity", "2")])
        #expect(added.status == 303)
        #expect(added.headers["Location"] == "/basket")
        let cart = try #require(browser.setCookie("soko_cart"))
        #expect(cart.contains("HttpOnly") && cart.contains("SameSite=Lax"))
        let basket = await browser.get("/basket")
        #expect(basket.text.contains("Sufuria") && basket.text.contains("KES 3,000.00"))
    }

    @Test("register signs in with HttpOnly cookies, merges the guest cart; sign-out revokes the refresh token")
    func session() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let id = try await store.product("Kettle", sku: "KET-1")
        let browser = PageBrowser(store.shop)
        await browser.get("/p/\(id)")
        #expect(await browser.post("/basket/items", [("product_id", id), ("quantity", "1")]).status == 303)
        await browser.get("/register")
        let registered = await browser.post(
            "/register",
            [("name", "Wanjiru"), ("email", "wanjiru@example.com"), ("password", ShopHost.password), ("next", "/basket")])
        #expect(registered.status == 303)
        #expect(registered.headers["Location"] == "/basket")
        for name in ["soko_at", "soko_rt"] {
            let cookie = try #require(browser.setCookie(name))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        }
        #expect(browser.cookies["soko_cart"] == nil, "the guest cart token is dropped once merged")
        let basket = await browser.get("/basket")
        #expect(basket.text.contains("Kettle"), "the guest cart merged into the account")
        #expect(basket.text.contains("Sign out") && basket.text.contains("My orders"))
        let refresh = try #require(browser.cookies["soko_rt"])
        let out = await browser.post("/signout", [])
        #expect(out.status == 303)
        #expect(browser.cookies["soko_at"] == nil && browser.cookies["soko_rt"] == nil)
        let form = "grant_type=refresh_token&refresh_token=\(refresh)&client_id=first-party"
        let reuse = await store.shop.request(
            "POST", "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        #expect(reuse.status == 400, "the revoked refresh token is refused: \(reuse.text)")
    }

    @Test("a flash message with punctuation and non-ASCII text shows as typed on the next page")
    func flashShowsAsTyped() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let browser = PageBrowser(store.shop)
        await browser.get("/register")
        let name = "Saved: 50% off; “Chai”, KES 1,250"
        let registered = await browser.post(
            "/register", [("name", name), ("email", "chai@example.com"), ("password", ShopHost.password), ("next", "/")])
        #expect(registered.status == 303)
        let home = await browser.get("/")
        #expect(home.text.contains("<p class=\"flash\" role=\"status\">Welcome, \(name).</p>"), "\(browser.setCookies)")
        #expect(browser.cookies["soko_flash"] == nil, "shown once")
    }

    @Test("signed-out shoppers are sent to sign in, and back afterwards; redirects stay on the site")
    func signInFirst() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        _ = try await store.shop.customer("amina@example.com")
        let browser = PageBrowser(store.shop)
        let checkout = await browser.get("/checkout")
        #expect(checkout.status == 303)
        #expect(checkout.headers["Location"] == "/signin?next=%2Fcheckout")
        await browser.get("/signin?next=%2Fcheckout")
        let wrong = await browser.post(
            "/signin", [("email", "amina@example.com"), ("password", "not it at all"), ("next", "/checkout")])
        #expect(wrong.status == 200 && wrong.text.contains("The email or the password is wrong."))
        let signedIn = await browser.post(
            "/signin", [("email", "amina@example.com"), ("password", ShopHost.password), ("next", "//evil.example/x")])
        #expect(signedIn.status == 303)
        #expect(signedIn.headers["Location"] == "/")
    }

    @Test("assets are served under content hashes with a year of immutable caching")
    func assets() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let browser = PageBrowser(store.shop)
        let home = await browser.get("/")
        let range = try #require(home.text.range(of: "/assets/store."))
        let path = String(home.text[range.lowerBound...].prefix { $0 != "\"" })
        #expect(path.hasSuffix(".css"))
        let css = await browser.get(path)
        #expect(css.status == 200)
        #expect(css.headers["Cache-Control"] == "public, max-age=31536000, immutable")
        #expect(css.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(await browser.get("/assets/store.0000000000.css").status == 404)
    }

    @Test("HTML, CSS and script of the home page stay under 50 KB")
    func pageWeight() async throws {
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        for index in 0..<8 { _ = try await store.product("Product number \(index)", sku: "W-\(index)") }
        let browser = PageBrowser(store.shop)
        let home = await browser.get("/")
        var total = home.body.count
        var rest = Substring(home.text)
        while let range = rest.range(of: "\"/assets/") {
            let path = String(rest[rest.index(after: range.lowerBound)...].prefix { $0 != "\"" })
            total += await browser.get(path).body.count
            rest = rest[range.upperBound...]
        }
        #expect(total < 50_000, "\(total) bytes")
    }

    @Test("a coupon typed at checkout discounts the order; a bad one is explained and the form keeps the rest")
    func couponAtCheckout() async throws {
        struct NewCoupon: Encodable {
            var code = "save10"
            var kind = "percentage"
            var value = 10
        }
        struct Discounted: Decodable {
            var discount: Int
            var couponCode: String?
            enum CodingKeys: String, CodingKey {
                case discount
                case couponCode = "coupon_code"
            }
        }
        let store = try await StorefrontShop.start()
        defer { Task { await store.shop.shutdown() } }
        let made = try await store.shop.request("POST", "/admin/coupons", token: store.admin, json: NewCoupon())
        #expect(made.status == 201, "\(made.text)")
        let id = try await store.product("Kettle", sku: "KET-C")
        let browser = PageBrowser(store.shop)
        await browser.get("/register")
        _ = await browser.post(
            "/register", [("name", "Akinyi"), ("email", "akinyi@example.com"), ("password", ShopHost.password), ("next", "/")])
        await browser.get("/p/\(id)")
        #expect(await browser.post("/basket/items", [("product_id", id), ("quantity", "1")]).status == 303)
        let form = await browser.get("/checkout")
        #expect(form.text.contains("<label for=\"coupon_code\">Coupon code (optional)</label>"))
        let address = [("name", "Akinyi"), ("line1", "Moi Avenue 1"), ("city", "Nairobi"), ("country", "KE")]
        let refused = await browser.post("/checkout", address + [("coupon_code", "NOPE"), ("idempotency_key", "k-coupon-1")])
        #expect(refused.status == 422)
        #expect(refused.text.contains("role=\"alert\""))
        #expect(refused.text.contains("value=\"Moi Avenue 1\""), "the address is kept")
        #expect(!refused.text.contains("value=\"k-coupon-1\""), "a refused order's key is not offered again")
        let placed = await browser.post("/checkout", address + [("coupon_code", " save10 "), ("idempotency_key", "k-coupon-2")])
        #expect(placed.status == 303, "\(placed.text)")
        let location = try #require(placed.headers["Location"])
        let orderID = try #require(location.split(separator: "/").dropLast().last.map(String.init))
        let order = try await store.shop.request("GET", "/admin/orders/\(orderID)", token: store.admin).json(Discounted.self)
        #expect(order.discount == 15_000)
        #expect(order.couponCode == "SAVE10")
        let page = await browser.get("/account/orders/\(orderID)")
        #expect(page.text.contains("Discount (SAVE10): −KES 150.00"), "\(page.text)")
    }
}
