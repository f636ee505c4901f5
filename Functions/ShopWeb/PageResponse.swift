import SokoFunctions

/// A page's answer: an HTML document or a redirect, with the cookies to set and the security
/// headers (``SecurityHeaders``). Pages are personal (cart counts, CSRF tokens), so they are
/// `Cache-Control: no-store`.
public struct PageResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// A `text/html` page.
    public static func page(_ html: HTML, status: Int = 200, policy: String = SecurityHeaders.contentSecurityPolicy)
        -> PageResponse
    {
        var headers: HTTPHeaders = ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"]
        SecurityHeaders.apply(to: &headers, policy: policy)
        return PageResponse(status: status, headers: headers, body: Array(html.text.utf8))
    }

    /// `303 See Other` to `location` (a path on this site): what every POST answers, so reloading
    /// the next page does not post again.
    public static func redirect(to location: String) -> PageResponse {
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        headers.set("Location", SafeRedirect.path(location))
        SecurityHeaders.apply(to: &headers)
        return PageResponse(status: 303, headers: headers, body: [])
    }

    /// A small JSON answer for a page's script (an order's status); not cached.
    public static func json<T: Encodable>(_ value: T) throws -> PageResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Cache-Control": "no-store"]
        SecurityHeaders.apply(to: &headers)
        return PageResponse(status: 200, headers: headers, body: try JSONCoding.encode(value))
    }

    public mutating func setCookie(_ cookie: SetCookie) { headers.add("Set-Cookie", cookie.headerValue) }

    /// Leaves `message` for the next page (a short-lived cookie, shown once, escaped when shown).
    public mutating func flash(_ message: String, secure: Bool) {
        setCookie(WebSession.flashCookie(message, secure: secure))
    }

    public var response: FunctionResponse { FunctionResponse(status: status, headers: headers, body: body) }
}

/// Where a redirect may go: a path on this site only (`/account/orders`), never `//evil.example`
/// or an absolute URL taken from a `next` parameter.
public enum SafeRedirect {
    public static func path(_ candidate: String?, fallback: String = "/") -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            !candidate.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F })
        else { return fallback }
        return candidate
    }
}
