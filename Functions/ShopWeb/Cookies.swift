import SokoFunctions

/// The `Cookie` request header's pairs, by name (RFC 6265 §5.4; the first of a repeated name wins,
/// since browsers send the most specific path first).
public struct RequestCookies: Sendable {
    public private(set) var values: [String: String] = [:]

    public init(_ headers: HTTPHeaders) {
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<eq].trimmingWhitespace()
                var value = pair[pair.index(after: eq)...].trimmingWhitespace()
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                if !name.isEmpty, values[name] == nil { values[name] = value }
            }
        }
    }

    public subscript(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }
}

/// One `Set-Cookie` header. Cookies the pages set are `HttpOnly` and `SameSite=Lax` by default and
/// `Secure` unless the shop runs in development over plain HTTP (``WebSettings/secureCookies``).
public struct SetCookie: Sendable, Equatable {
    public enum SameSite: String, Sendable { case strict = "Strict", lax = "Lax", none = "None" }

    public var name: String
    public var value: String
    public var path = "/"
    /// Seconds; nil for a session cookie, 0 to delete.
    public var maxAge: Int?
    public var httpOnly = true
    public var secure: Bool
    public var sameSite = SameSite.lax

    public init(name: String, value: String, maxAge: Int? = nil, secure: Bool, httpOnly: Bool = true, path: String = "/") {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.secure = secure
        self.httpOnly = httpOnly
        self.path = path
    }

    /// A cookie that deletes `name` (empty value, `Max-Age=0`).
    public static func deleting(_ name: String, secure: Bool) -> SetCookie {
        SetCookie(name: name, value: "", maxAge: 0, secure: secure)
    }

    /// The header's value. Values are the pages' own tokens (base64url, hex, ids) or already
    /// encoded text (the flash message, ``WebSession/flashCookie(_:secure:)``), which pass as they
    /// are. Anything outside RFC 6265's cookie-octets is percent-encoded, only as a last guard so a
    /// header can never be split or widened.
    public var headerValue: String {
        var text = "\(name)=\(Self.octets(value)); Path=\(path)"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        if httpOnly { text += "; HttpOnly" }
        text += "; SameSite=\(sameSite.rawValue)"
        return text
    }

    static func octets(_ value: String) -> String {
        let allowed = value.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x2C && byte != 0x3B && byte != 0x5C
        }
        return allowed ? value : FormEncoding.encode(value)
    }
}
