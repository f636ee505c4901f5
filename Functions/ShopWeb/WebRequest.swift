import SokoFunctions

/// One page request: the browser's session, its CSRF token, the calls it makes to other functions
/// on the shopper's behalf, and the cookies to set on the way out.
///
/// ```swift
/// var web = WebRequest(request, context: context, settings: settings)
/// let cart = try await web.call("cart", "getCart")
/// return web.finish(.page(layout.render(...)))
/// ```
public struct WebRequest: Sendable {
    public let request: FunctionRequest
    public let context: FunctionContext
    public let settings: WebSettings
    public private(set) var session: WebSession
    /// This browser's id: the cookie's, or a new one set by ``finish(_:)``.
    public let browserID: String
    private var cookies: [SetCookie] = []

    /// How long the sign-in cookies live; an expired access token is refreshed on the next call.
    public static let signInLifetime = 30 * 24 * 3600
    public static let cartLifetime = 30 * 24 * 3600

    public init(_ request: FunctionRequest, context: FunctionContext, settings: WebSettings) {
        self.request = request
        self.context = context
        self.settings = settings
        session = WebSession(request)
        if let id = session.browserID {
            browserID = id
        } else {
            var bytes = [UInt8](repeating: 0, count: 16)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            browserID = Base64URL.encode(bytes)
            cookies.append(SetCookie(name: WebSession.Cookie.browser, value: browserID, secure: settings.secureCookies))
        }
        if session.flash != nil { cookies.append(.deleting(WebSession.Cookie.flash, secure: settings.secureCookies)) }
    }

    // MARK: CSRF

    /// The hidden field every state-changing form carries.
    public var csrfField: HTML { CSRF(secret: settings.secret).field(for: browserID) }

    /// Whether `form` carries this browser's CSRF token (a browser without the id cookie has none).
    public func csrfValid(_ form: FormBody) -> Bool {
        CSRF(secret: settings.secret).verify(form.exact(CSRF.field), browserID: session.browserID)
    }

    // MARK: Calls for the shopper

    /// Calls `service.function`'s route as this browser's client: its bearer token and guest cart
    /// token go along; an expired access token is refreshed once with the refresh token (new
    /// cookies set), and a guest cart token handed back is kept in its cookie.
    public mutating func call(_ service: String, _ function: String, _ call: RouteCall = RouteCall()) async throws
        -> CallAnswer
    {
        var answer = try await send(service, function, call)
        if answer.status == 401, session.refreshToken != nil {
            if try await refresh() { answer = try await send(service, function, call) }
        }
        if let token = answer.headers["X-Cart-Token"], !token.isEmpty, token != session.cartToken, !session.isSignedIn {
            session.cartToken = token
            cookies.append(
                SetCookie(
                    name: WebSession.Cookie.cartToken, value: token, maxAge: Self.cartLifetime,
                    secure: settings.secureCookies))
        }
        return answer
    }

    /// Calls a public route without the shopper's tokens (catalog reads): nothing in the session
    /// changes, so pages can run several at once (`async let`).
    public func fetch(_ service: String, _ function: String, _ call: RouteCall = RouteCall()) async throws -> CallAnswer {
        let response = try await context.call(service, function, call)
        return CallAnswer(status: response.status, headers: response.headers, body: response.body)
    }

    private func send(_ service: String, _ function: String, _ call: RouteCall) async throws -> CallAnswer {
        var call = call
        for (name, value) in session.callHeaders where !call.headers.contains(name) { call.headers.add(name, value) }
        let response = try await context.call(service, function, call)
        return CallAnswer(status: response.status, headers: response.headers, body: response.body)
    }

    /// Trades the refresh token for new tokens (`users.token`, rotating); false and signed out when refused.
    private mutating func refresh() async throws -> Bool {
        guard let refreshToken = session.refreshToken else { return false }
        let form = FormEncoding.encode([
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "first-party"),
        ])
        let response = try await context.call(
            "users", "token",
            RouteCall(headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8)))
        guard response.status == 200, let tokens = try? JSONCoding.decode(SignInTokens.self, from: response.body) else {
            signOut()
            return false
        }
        signIn(tokens)
        return true
    }

    // MARK: Session changes

    /// Keeps the Users bundle's tokens in the session cookies (the guest cart was merged at sign-in).
    public mutating func signIn(_ tokens: SignInTokens) {
        session.accessToken = tokens.accessToken
        session.refreshToken = tokens.refreshToken ?? session.refreshToken
        session.cartToken = nil
        let secure = settings.secureCookies
        cookies.append(
            SetCookie(name: WebSession.Cookie.accessToken, value: tokens.accessToken, maxAge: Self.signInLifetime, secure: secure)
        )
        if let refresh = tokens.refreshToken {
            cookies.append(
                SetCookie(name: WebSession.Cookie.refreshToken, value: refresh, maxAge: Self.signInLifetime, secure: secure))
        }
        cookies.append(.deleting(WebSession.Cookie.cartToken, secure: secure))
    }

    /// Forgets the tokens (the caller revokes the refresh token first).
    public mutating func signOut() {
        session.accessToken = nil
        session.refreshToken = nil
        cookies.append(.deleting(WebSession.Cookie.accessToken, secure: settings.secureCookies))
        cookies.append(.deleting(WebSession.Cookie.refreshToken, secure: settings.secureCookies))
    }

    /// Sets a cookie of the page's own on the response.
    public mutating func setCookie(_ cookie: SetCookie) { cookies.append(cookie) }

    /// Leaves `message` for the next page.
    public mutating func flash(_ message: String) {
        cookies.append(WebSession.flashCookie(message, secure: settings.secureCookies))
    }

    /// The response with this request's cookies.
    public func finish(_ page: PageResponse) -> FunctionResponse {
        var page = page
        // A flash set now replaces the deletion of the one just shown.
        var seen = Set<String>()
        for cookie in cookies.reversed() where seen.insert(cookie.name).inserted { page.setCookie(cookie) }
        return page.response
    }
}

/// The tokens `users.login` (and the refresh grant) answer with.
public struct SignInTokens: Codable, Sendable {
    public var accessToken: String
    public var refreshToken: String?

    public init(accessToken: String, refreshToken: String?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
    }
}
