import Glibc
import SokoFunctions
import SokoSecurity

/// `GET|POST /oauth/authorize`: the authorization-code flow with PKCE (S256 only) and a minimal
/// HTML sign-in form. Codes are one-time, live 60 s and are stored only as their hash.
struct Authorize: DependentRawFunction {
    let clients: OAuthClients
    let passwords: PasswordHasher
    let throttle: LoginThrottle

    struct Parameters {
        var clientID: String
        var redirectURI: String
        var challenge: String
        var state: String?
        var scope: String?
    }

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        let form =
            request.method == "POST"
            ? QueryParameters(parsing: Substring(String(decoding: request.body, as: UTF8.self))) : request.query
        // A bad client or redirect URI is shown, never redirected to (RFC 6749 §4.1.2.1).
        guard let clientID = form["client_id"], let client = clients.clients[clientID] else {
            return Self.page(status: 400, message: "Unknown application.")
        }
        guard let redirectURI = form["redirect_uri"], client.redirectURIs?.contains(redirectURI) == true else {
            return Self.page(status: 400, message: "This application did not register that return address.")
        }
        let state = form["state"]
        guard form["response_type"] == "code" else {
            return Self.redirect(redirectURI, ["error": "unsupported_response_type", "state": state])
        }
        guard let challenge = form["code_challenge"], challenge.utf8.count == 43,
            form["code_challenge_method"] == "S256"
        else {
            return Self.redirect(
                redirectURI, ["error": "invalid_request", "error_description": "PKCE with S256 is required", "state": state])
        }
        let scope: String?
        do {
            scope = try TokenEndpoint.grantedScope(requested: form["scope"], configured: client.scope)
        } catch {
            return Self.redirect(redirectURI, ["error": "invalid_scope", "state": state])
        }
        let parameters = Parameters(
            clientID: clientID, redirectURI: redirectURI, challenge: challenge, state: state, scope: scope)
        guard request.method == "POST" else { return Self.signInForm(parameters, message: nil) }

        let email = AccountRules.normalise(email: form["email"] ?? "") ?? ""
        let address = context.request.clientAddress
        let presented = KnownDevices.fromCookie(context.request.headers["Cookie"])
        let device = try await KnownDevices.recognise(presented, email: email, at: context.now, store: context.store)
        let attempt: LoginThrottle.Attempt
        do {
            attempt = try await throttle.begin(
                email: email, address: address, device: device, at: context.now, store: context.store)
        } catch let limited as FunctionError where limited.problem.status == 429 {
            var page = Self.signInForm(parameters, message: "Too many attempts. Try again later.", status: 429)
            for field in limited.headers { page.headers.add(field.name, field.value) }
            return page
        }
        let user = email.isEmpty ? nil : try await User.find(email: email, in: context.store)
        let stored: String
        if let user { stored = user.passwordHash } else { stored = try await Login.decoyHash(passwords) }
        guard let user, try await passwords.verify(form["password"] ?? "", against: stored) else {
            return Self.signInForm(parameters, message: "The email or the password is wrong.")
        }
        try await throttle.succeeded(attempt, store: context.store)
        let deviceToken = try await KnownDevices.remember(
            presented, recognised: device, email: email, at: context.now, store: context.store)
        let code = RandomToken.make(bytes: 32)
        try await context.store.execute(
            """
            INSERT INTO auth_codes (code_hash, client_id, user_id, redirect_uri, challenge, scope, family, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [
                .text(RandomToken.hash(code)), .text(clientID), .text(user.id), .text(redirectURI), .text(challenge),
                SQLValue(parameters.scope), .text(RandomToken.make(bytes: 16)), .integer(Int64(context.now.unixSeconds) + 60),
            ])
        var response = Self.redirect(redirectURI, ["code": code, "state": state])
        response.headers.add("Set-Cookie", KnownDevices.setCookie(deviceToken))
        return response
    }

    // MARK: Pages

    static func redirect(_ uri: String, _ parameters: [String: String?]) -> FunctionResponse {
        let query = parameters.sorted { $0.key < $1.key }.compactMap { key, value in
            value.map { "\(key)=\(FormEncoding.encode($0))" }
        }.joined(separator: "&")
        let location = uri + (uri.contains("?") ? "&" : "?") + query
        return FunctionResponse(status: 302, headers: ["Location": location, "Cache-Control": "no-store"])
    }

    static func signInForm(_ p: Parameters, message: String?, status: Int = 200) -> FunctionResponse {
        func hidden(_ name: String, _ value: String?) -> String {
            value.map { #"<input type="hidden" name="\#(name)" value="\#(HTML.escape($0))">"# } ?? ""
        }
        let body = """
            <!doctype html><html><head><meta charset="utf-8"><title>Sign in — Soko</title></head><body>
            <h1>Sign in to continue</h1>
            \(message.map { "<p role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
            <form method="post" action="/oauth/authorize">
            \(hidden("response_type", "code"))\(hidden("client_id", p.clientID))\(hidden("redirect_uri", p.redirectURI))
            \(hidden("code_challenge", p.challenge))\(hidden("code_challenge_method", "S256"))\(hidden("state", p.state))\(hidden("scope", p.scope))
            <label>Email <input name="email" type="email" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """
        return FunctionResponse(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                // No form-action: browsers apply it to the redirect after the POST, back to the client.
                "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                "X-Frame-Options": "DENY",
            ], body: Array(body.utf8))
    }

    static func page(status: Int, message: String) -> FunctionResponse {
        let body = "<!doctype html><html><body><h1>Cannot sign in</h1><p>\(HTML.escape(message))</p></body></html>"
        return FunctionResponse(
            status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
            body: Array(body.utf8))
    }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
