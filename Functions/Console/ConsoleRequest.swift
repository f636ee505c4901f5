import ShopWeb
import SokoFunctions

/// One console page request: the browser's web session (``WebRequest``), the admin gate, the
/// CSRF check of posted forms, and the layout every page is drawn in.
struct ConsoleRequest {
    var web: WebRequest
    let console: Console
    let request: FunctionRequest

    init(_ request: FunctionRequest, context: FunctionContext, console: Console) {
        web = WebRequest(request, context: context, settings: console.settings)
        self.console = console
        self.request = request
    }

    /// Nil when the browser is signed in as an admin; otherwise the answer to give instead: a
    /// redirect to sign in (no session, or one the Users bundle no longer honours) or the 403 page
    /// (a signed-in user without the admin role).
    ///
    /// The check is ``AdminSession`` called with the session's token, so the host verifies the
    /// token and its role exactly as for the JSON admin routes (and an expired access token is
    /// refreshed on the way).
    mutating func admit() async throws -> FunctionResponse? {
        guard web.session.isSignedIn else { return signIn() }
        let answer = try await web.call(ConsoleBundle.service, AdminSession.name)
        switch answer.status {
        case 200..<300: return nil
        case 401: return signIn()
        case 403: return forbidden()
        default: throw answer.problem
        }
    }

    /// As ``admit()`` for a posted form, after checking its CSRF token (403 page without a valid one).
    mutating func admit(_ form: FormBody) async throws -> FunctionResponse? {
        guard web.csrfValid(form) else {
            return page(
                "Forbidden", status: 403,
                main: """
                    <h1>Forbidden</h1>
                    <p>This form has expired or did not come from this console. Go back, reload the page and try again.</p>
                    """)
        }
        return try await admit()
    }

    /// 303 to the sign-in page, coming back here afterwards.
    func signIn() -> FunctionResponse {
        let back =
            request.method == "GET"
            ? request.path
                + (request.query.pairs.isEmpty ? "" : "?" + FormEncoding.encode(request.query.pairs.map { ($0.name, $0.value) }))
            : "/admin"
        return web.finish(.redirect(to: Console.signInPath + "?" + FormEncoding.encode([("next", back)])))
    }

    /// The 403 page of a signed-in user who is not an admin.
    func forbidden() -> FunctionResponse {
        page(
            "Forbidden", status: 403,
            main: """
                <h1>Forbidden</h1>
                <p>The merchant console is for the shop's administrators. Your account does not have the admin role.</p>
                <p><a href="/">Back to the shop</a></p>
                """)
    }

    /// A page in the console's layout: the header with its navigation and sign-out form, the
    /// flash message, the page's content.
    func page(_ title: String, status: Int = 200, current: ConsoleSection? = nil, main: HTML) -> FunctionResponse {
        var document = Document(title: "\(title) · \(console.settings.shopName) console", main: main)
        document.stylesheets = [console.assets.url("console.css")]
        document.header = ConsoleLayout.header(shopName: console.settings.shopName, current: current, csrf: web.csrfField)
        document.footer = "<p>\(console.settings.shopName) merchant console</p>"
        document.flash = web.session.flash
        return web.finish(.page(document.render(), status: status))
    }

    /// 303 to `location` with a message for the next page. Messages are plain sentences (letters,
    /// digits, spaces, `.`, `-`): the flash cookie's value is percent-encoded twice by
    /// `WebRequest.flash` and `SetCookie` when it holds other characters, and shown still encoded.
    mutating func redirect(_ location: String, flash: String? = nil) -> FunctionResponse {
        if let flash { web.flash(flash) }
        return web.finish(.redirect(to: location))
    }
}
