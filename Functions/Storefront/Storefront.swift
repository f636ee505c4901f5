import ShopWeb
import SokoFunctions

/// What every storefront page shares: the web settings, the assets and the page shell.
struct Storefront: Sendable {
    let settings: WebSettings
    let assets: AssetCatalog

    init(settings: WebSettings) {
        self.settings = settings
        assets = StorefrontAssets.catalog
    }

    /// Starts a page request (session, CSRF, calls as the shopper).
    func begin(_ request: FunctionRequest, _ context: FunctionContext) -> WebRequest {
        WebRequest(request, context: context, settings: settings)
    }

    /// The page in the storefront's shell: header with the shop's name, search, cart and account
    /// links; the flash message; the stylesheet and script.
    func page(
        _ web: WebRequest, title: String, _ main: HTML, status: Int = 200, head: HTML = .empty,
        data: [(String, String)] = [], scripts: [String] = [], policy: String = SecurityHeaders.contentSecurityPolicy
    ) -> FunctionResponse {
        var document = Document(title: "\(title) · \(settings.shopName)", main: main)
        document.stylesheets = [assets.url("store.css")]
        document.scripts = scripts + [assets.url("store.js")]
        document.header = header(web)
        document.footer = "<p>\(settings.shopName)</p>"
        document.flash = web.session.flash
        document.head = head
        document.data = data
        return web.finish(.page(document.render(), status: status, policy: policy))
    }

    func header(_ web: WebRequest) -> HTML {
        let account: HTML =
            web.session.isSignedIn
            ? """
            <li><a href="/account/orders">My orders</a></li>
            <li><form method="post" action="/signout">\(web.csrfField)<button type="submit" class="link">Sign out</button></form></li>
            """
            : """
            <li><a href="/signin">Sign in</a></li>
            <li><a href="/register">Register</a></li>
            """
        let query = web.request.path == "/search" ? web.request.query["q"] ?? "" : ""
        return """
            <a class="brand" href="/">\(settings.shopName)</a>
            <form class="search" role="search" method="get" action="/search">
            <label for="q">Search</label>
            <input id="q" name="q" type="search" value="\(query)" maxlength="200">
            <button type="submit">Go</button>
            </form>
            <nav aria-label="Main"><ul>
            <li><a href="/basket">Cart</a></li>
            \(account)
            </ul></nav>
            """
    }

    /// A page that only says what went wrong (404, 409, a service that is down).
    func problemPage(_ web: WebRequest, _ problem: CallProblem) -> FunctionResponse {
        let status = problem.status >= 500 ? 503 : problem.status
        let title = status == 404 ? "Not found" : status == 503 ? "Please try again" : "Something went wrong"
        return page(
            web, title: title,
            """
            <h1>\(title)</h1>
            <p>\(problem.message)</p>
            <p><a href="/">Back to the shop</a></p>
            """, status: status)
    }

    /// `303` to `location`, with the request's cookies.
    func redirect(_ web: WebRequest, to location: String) -> FunctionResponse {
        web.finish(.redirect(to: location))
    }

    /// Where a signed-out shopper goes first: sign-in, then back to `next`.
    func signInFirst(_ web: WebRequest, next: String) -> FunctionResponse {
        var web = web
        web.flash("Sign in first.")
        return web.finish(.redirect(to: "/signin?next=" + FormEncoding.encode(next)))
    }

    func money(_ minor: Int, _ currency: String?) -> String { MoneyText.format(minor, currency: currency ?? "KES") }
}
