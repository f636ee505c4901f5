import ShopTesting
import SokoFunctions
import SokoTesting

/// A minimal browser over the in-process shop: keeps the cookies pages set (honouring
/// `Max-Age=0` deletions), sends them back, and reads the CSRF token out of the last page.
final class PageBrowser: @unchecked Sendable {
    let shop: ShopHost
    private(set) var cookies: [String: String] = [:]
    /// Every `Set-Cookie` header seen, in order.
    private(set) var setCookies: [String] = []
    private(set) var last: TestResponse?

    init(_ shop: ShopHost) { self.shop = shop }

    @discardableResult
    func get(_ target: String) async -> TestResponse {
        await send("GET", target, body: [])
    }

    /// Posts a form; `csrf: true` adds the token of the last page.
    @discardableResult
    func post(_ target: String, _ fields: [(String, String)], csrf: Bool = true) async -> TestResponse {
        var fields = fields
        if csrf, let token = csrfToken { fields.append(("csrf", token)) }
        return await send("POST", target, body: Array(FormEncoding.encode(fields).utf8))
    }

    func send(_ method: String, _ target: String, body: [UInt8]) async -> TestResponse {
        var headers: [(String, String)] = []
        if !cookies.isEmpty {
            headers.append(("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        if method == "POST" { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        let response = await shop.request(method, target, headers: headers, body: body)
        for header in response.headers.values("Set-Cookie") {
            setCookies.append(header)
            let pair = header.split(separator: ";")[0]
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq])
            let value = String(pair[pair.index(after: eq)...])
            if header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        last = response
        return response
    }

    /// The `csrf` hidden field's value on the last page.
    var csrfToken: String? {
        guard let text = last?.text, let range = text.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The last `Set-Cookie` header for `name`.
    func setCookie(_ name: String) -> String? { setCookies.last { $0.hasPrefix(name + "=") } }
}
