import SokoFunctions

/// The browser's session as the pages keep it in cookies: the shopper's tokens from the Users
/// bundle, the guest cart's token and a random browser id the CSRF tokens are tied to.
///
/// Every cookie is `HttpOnly` and `SameSite=Lax` (and `Secure` outside development): page
/// scripts never see a token, and a cross-site POST carries none of them.
public struct WebSession: Sendable {
    public enum Cookie {
        public static let accessToken = "soko_at"
        public static let refreshToken = "soko_rt"
        public static let cartToken = "soko_cart"
        public static let browser = "soko_sid"
        public static let flash = "soko_flash"
    }

    public var accessToken: String?
    public var refreshToken: String?
    public var cartToken: String?
    /// The browser id (base64url of 16 random bytes); nil until the first page sets it.
    public var browserID: String?
    /// A message the previous request left for this page (``PageResponse/flash(_:)``).
    public var flash: String?

    public init(_ request: FunctionRequest) {
        let cookies = RequestCookies(request.headers)
        accessToken = cookies[Cookie.accessToken]
        refreshToken = cookies[Cookie.refreshToken]
        cartToken = cookies[Cookie.cartToken]
        browserID = cookies[Cookie.browser].flatMap { Base64URL.decode($0)?.count == 16 ? $0 : nil }
        flash = cookies[Cookie.flash].map(Self.flashMessage(fromCookie:))
    }

    /// The cookie that leaves `message` for the next page. The message is form-encoded here and
    /// only here (its output is all cookie-octets, so ``SetCookie`` leaves it as it is) and decoded
    /// once on read (``flashMessage(fromCookie:)``): punctuation and non-ASCII text arrive as typed.
    public static func flashCookie(_ message: String, secure: Bool) -> SetCookie {
        SetCookie(name: Cookie.flash, value: FormEncoding.encode(message), maxAge: 60, secure: secure)
    }

    /// The message a ``flashCookie(_:secure:)`` value carries.
    public static func flashMessage(fromCookie value: String) -> String {
        PercentDecoding.decode(Substring(value), plusIsSpace: true)
    }

    public var isSignedIn: Bool { accessToken != nil }

    /// The headers a ``RouteCall`` carries to act for this browser: the bearer token when signed in,
    /// the guest cart's token when there is one.
    public var callHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        if let accessToken { headers.add("Authorization", "Bearer \(accessToken)") }
        if let cartToken { headers.add("X-Cart-Token", cartToken) }
        return headers
    }
}
