import ShopWeb
import SokoFunctions
import Testing

/// The web foundation's pieces on their own: escaping, cookies, CSRF, redirects, money, settings.
@Suite("ShopWeb")
struct ShopWebTests {
    @Test(
        "text is escaped, HTML is not",
        arguments: [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("\"onmouseover='x'", "&quot;onmouseover=&#39;x&#39;"), ("Tom & Jerry", "Tom &amp; Jerry"), ("plain", "plain"),
        ])
    func escaping(_ text: String, _ escaped: String) {
        let html: HTML = "<p title=\"\(text)\">\(text)</p>\(HTML.raw("<br>"))"
        #expect(html.text == "<p title=\"\(escaped)\">\(escaped)</p><br>")
    }

    @Test(
        "money in the shop's currency",
        arguments: [
            (125_000, "KES", "KES 1,250.00"), (5, "KES", "KES 0.05"), (100_000_000, "kes", "KES 1,000,000.00"),
            (1500, "UGX", "UGX 1,500"),
            (-250, "USD", "USD -2.50"),
        ])
    func money(_ minor: Int, _ currency: String, _ text: String) {
        #expect(MoneyText.format(minor, currency: currency) == text)
    }

    @Test(
        "redirects stay on this site",
        arguments: [
            ("/checkout", "/checkout"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil.example", "/"),
            ("/a\r\nSet-Cookie: x=1", "/"),
        ])
    func redirects(_ candidate: String, _ expected: String) {
        #expect(SafeRedirect.path(candidate) == expected)
    }

    @Test("cookies: flags, deletion, and values that cannot split the header")
    func cookies() {
        let cookie = SetCookie(name: "soko_at", value: "abc.def", maxAge: 60, secure: true)
        #expect(cookie.headerValue == "soko_at=abc.def; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=Lax")
        #expect(SetCookie.deleting("soko_at", secure: false).headerValue == "soko_at=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
        let hostile = SetCookie(name: "soko_flash", value: "a; Domain=evil\r\nX: y", secure: false)
        #expect(!hostile.headerValue.contains("\r") && !hostile.headerValue.contains("Domain=evil;"))
        let parsed = RequestCookies(["Cookie": "a=1; soko_at=tok; b=\"q\"; a=2"])
        #expect(parsed["a"] == "1" && parsed["soko_at"] == "tok" && parsed["b"] == "q" && parsed["none"] == nil)
    }

    @Test(
        "a flash message is encoded once and reads back as typed",
        arguments: ["Saved: 50% off; “Chai”, KES 1,250", "100%25 sure + \"quoted\" \\ back", "Asante sana"])
    func flashRoundTrip(_ message: String) throws {
        var page = PageResponse.redirect(to: "/")
        page.flash(message, secure: true)
        let header = try #require(page.headers.values("Set-Cookie").first)
        #expect(header == WebSession.flashCookie(message, secure: true).headerValue)
        let pair = try #require(header.split(separator: ";").first)
        let value = String(pair.dropFirst("soko_flash=".count))
        #expect(value == FormEncoding.encode(message), "one encoding, not two")
        let request = FunctionRequest(method: "GET", path: "/", headers: ["Cookie": "soko_sid=x; \(pair)"])
        #expect(WebSession(request).flash == message)
    }

    @Test("CSRF tokens are tied to the browser id and the secret")
    func csrf() {
        let csrf = CSRF(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let token = csrf.token(for: "browser-a")
        #expect(csrf.verify(token, browserID: "browser-a"))
        #expect(!csrf.verify(token, browserID: "browser-b"))
        #expect(!csrf.verify(nil, browserID: "browser-a") && !csrf.verify(token, browserID: nil))
        #expect(!CSRF(secret: (0..<32).map { _ in UInt8.random(in: 0...255) }).verify(token, browserID: "browser-a"))
    }

    @Test("production needs the web secret and a live publishable key, and sets Secure cookies")
    func productionSettings() throws {
        #expect(throws: WebSettingsError.self) { try WebSettings(environment: [:], mode: .production) }
        do {
            _ = try WebSettings(environment: ["SOKO_STRIPE_PUBLISHABLE_KEY": "pk_live_abc"], mode: .production)
            Issue.record("a production shop without SOKO_WEB_SECRET started")
        } catch {
            #expect(error.description.hasPrefix("SOKO_WEB_SECRET:"))
        }
        let secret = String(repeating: "s", count: 40)
        do {
            _ = try WebSettings(
                environment: ["SOKO_WEB_SECRET": secret, "SOKO_STRIPE_PUBLISHABLE_KEY": "pk_test_sandbox"], mode: .production)
            Issue.record("a production shop took the sandbox's publishable key")
        } catch {
            #expect(error.description.hasPrefix("SOKO_STRIPE_PUBLISHABLE_KEY:"))
        }
        let noCards = try WebSettings(
            environment: ["SOKO_WEB_SECRET": secret, "SOKO_PAYMENT_METHODS": "mpesa"], mode: .production)
        #expect(!noCards.cardsOffered)
        let live = try WebSettings(
            environment: ["SOKO_WEB_SECRET": secret, "SOKO_STRIPE_PUBLISHABLE_KEY": "pk_live_abc"], mode: .production)
        #expect(live.secureCookies && !live.usesSandbox)
        let development = try WebSettings(environment: [:], mode: .development)
        #expect(!development.secureCookies && development.usesSandbox)
    }

    @Test("a route call fills the template's parameters, encoded, and appends the query")
    func routeTarget() {
        let call = RouteCall(pathParameters: ["id": "a b/c"], query: [("q", "x&y")])
        #expect(call.target("/orders/{id}/pay") == "/orders/a%20b%2Fc/pay?q=x%26y")
        #expect(RouteCall().target("/cart") == "/cart")
    }
}
