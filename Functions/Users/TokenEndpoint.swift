import Glibc
import SokoFunctions
import SokoSecurity

/// `POST /oauth/token` (RFC 6749 §3.2): form-encoded grants, JSON answers, `Cache-Control: no-store`.
/// Errors use the RFC's own shape (`{"error": …, "error_description": …}`), which OAuth clients parse.
enum TokenEndpoint {
    static func run(_ request: FunctionRequest, context: FunctionContext, tokens: TokenIssuer, clients: OAuthClients)
        async throws -> FunctionResponse
    {
        let form = QueryParameters(parsing: Substring(String(decoding: request.body, as: UTF8.self)))
        do {
            let pair: TokenIssuer.Pair
            switch form["grant_type"] {
            case "refresh_token":
                pair = try await refresh(form, context: context, tokens: tokens)
            case "authorization_code":
                pair = try await authorizationCode(form, context: context, tokens: tokens)
            case "client_credentials":
                pair = try await clientCredentials(form, request: request, context: context, tokens: tokens, clients: clients)
            case nil:
                throw OAuthError("invalid_request", "grant_type is required")
            case let other?:
                throw OAuthError("unsupported_grant_type", "\(other) is not supported here")
            }
            var response = try FunctionResponse.json(pair)
            response.headers.add("Cache-Control", "no-store")
            return response
        } catch let error as OAuthError {
            return error.response
        }
    }

    /// Rotation: each refresh token works once. Presenting a spent one means it leaked, so its
    /// whole family (every token descended from the same sign-in) is revoked.
    static func refresh(_ form: QueryParameters, context: FunctionContext, tokens: TokenIssuer) async throws
        -> TokenIssuer.Pair
    {
        guard let presented = form["refresh_token"], !presented.isEmpty else {
            throw OAuthError("invalid_request", "refresh_token is required")
        }
        let store = context.store
        let hash = RandomToken.hash(presented)
        guard
            let row = try await store.query(
                "SELECT family, user_id, client_id, scope, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
                [.text(hash)]
            ).first
        else { throw OAuthError("invalid_grant", "unknown refresh token") }
        let family = try row.string("family") ?? ""
        let now = Int(time(nil))
        if let client = form["client_id"], client != (try row.string("client_id")) {
            throw OAuthError("invalid_grant", "the refresh token was issued to another client")
        }
        if try row.int("revoked_at") != nil { throw OAuthError("invalid_grant", "the refresh token was revoked") }
        if try (row.int("expires_at") ?? 0) <= now { throw OAuthError("invalid_grant", "the refresh token has expired") }
        // Spend it atomically: only one of two concurrent refreshes can win.
        let spent = try await store.execute(
            "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL",
            [.integer(Int64(now)), .text(hash)])
        guard spent == 1 else {
            try await revoke(family: family, store: store)
            throw OAuthError("invalid_grant", "the refresh token was already used; its sessions are revoked")
        }
        guard let user = try await User.find(id: try row.string("user_id") ?? "", in: store) else {
            throw OAuthError("invalid_grant", "the account no longer exists")
        }
        return try await tokens.issue(
            for: user, clientID: try row.string("client_id") ?? "", scope: try row.string("scope"), store: store, family: family)
    }

    /// PKCE (RFC 7636, S256): the verifier must hash to the challenge the code was bound to; the
    /// redirect URI and client must match exactly. A code works once: a replay also revokes the
    /// tokens the first exchange produced.
    static func authorizationCode(_ form: QueryParameters, context: FunctionContext, tokens: TokenIssuer) async throws
        -> TokenIssuer.Pair
    {
        guard let code = form["code"], let verifier = form["code_verifier"], let clientID = form["client_id"],
            let redirectURI = form["redirect_uri"]
        else { throw OAuthError("invalid_request", "code, code_verifier, client_id and redirect_uri are required") }
        let store = context.store
        let hash = RandomToken.hash(code)
        guard
            let row = try await store.query(
                "SELECT client_id, user_id, redirect_uri, challenge, scope, family, expires_at, used_at FROM auth_codes WHERE code_hash = $1",
                [.text(hash)]
            ).first
        else { throw OAuthError("invalid_grant", "unknown authorization code") }
        let family = try row.string("family") ?? ""
        let now = Int(time(nil))
        let spent = try await store.execute(
            "UPDATE auth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL", [.integer(Int64(now)), .text(hash)])
        guard spent == 1 else {
            try await revoke(family: family, store: store)
            throw OAuthError("invalid_grant", "the authorization code was already used")
        }
        guard try (row.int("expires_at") ?? 0) > now else {
            throw OAuthError("invalid_grant", "the authorization code has expired")
        }
        guard try row.string("client_id") == clientID, try row.string("redirect_uri") == redirectURI else {
            throw OAuthError("invalid_grant", "client_id or redirect_uri does not match the authorization request")
        }
        guard PKCE.matches(verifier: verifier, challenge: try row.string("challenge") ?? "") else {
            throw OAuthError("invalid_grant", "code_verifier does not match the code challenge")
        }
        guard let user = try await User.find(id: try row.string("user_id") ?? "", in: store) else {
            throw OAuthError("invalid_grant", "the account no longer exists")
        }
        return try await tokens.issue(for: user, clientID: clientID, scope: try row.string("scope"), store: store, family: family)
    }

    static func revoke(family: String, store: Store) async throws {
        try await store.execute(
            "UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
            [.integer(Int64(time(nil))), .text(family)])
    }

    /// Internal services: client id and secret (HTTP Basic or form), a token with the `service`
    /// role, no refresh token.
    static func clientCredentials(
        _ form: QueryParameters, request: FunctionRequest, context: FunctionContext, tokens: TokenIssuer,
        clients: OAuthClients
    ) async throws -> TokenIssuer.Pair {
        var id = form["client_id"]
        var secret = form["client_secret"]
        if let basic = request.headers["Authorization"], basic.lowercased().hasPrefix("basic "),
            let decoded = Base64Standard.decode(String(basic.dropFirst(6))),
            let colon = decoded.firstIndex(of: ":")
        {
            id = PercentDecoding.decode(decoded[..<colon], plusIsSpace: true)
            secret = PercentDecoding.decode(decoded[decoded.index(after: colon)...], plusIsSpace: true)
        }
        guard let id, let secret, let client = clients.authenticate(clientID: id, secret: secret) else {
            throw OAuthError("invalid_client", "unknown client or wrong secret", status: 401)
        }
        let service = User(serviceClient: client.clientID)
        return try await tokens.issueServiceToken(for: service, scope: form["scope"] ?? client.scope, store: context.store)
    }
}

/// An RFC 6749 §5.2 error.
struct OAuthError: Error {
    var code: String
    var description: String
    var status: Int

    init(_ code: String, _ description: String, status: Int = 400) {
        self.code = code
        self.description = description
        self.status = status
    }

    var response: FunctionResponse {
        struct Body: Encodable {
            var error: String
            var errorDescription: String
            enum CodingKeys: String, CodingKey {
                case error
                case errorDescription = "error_description"
            }
        }
        var response =
            (try? FunctionResponse.json(Body(error: code, errorDescription: description), status: status))
            ?? FunctionResponse(status: status)
        response.headers.add("Cache-Control", "no-store")
        if status == 401 { response.headers.add("WWW-Authenticate", #"Basic realm="soko""#) }
        return response
    }
}

/// Standard base64 (with padding), for HTTP Basic credentials.
enum Base64Standard {
    static func decode(_ text: String) -> String? {
        let urlSafe = text.trimmingCharacters(in: Character.whitespaces)
            .replacingCharacters("+", with: "-").replacingCharacters("/", with: "_")
        let unpadded = String(urlSafe.reversed().drop { $0 == "=" }.reversed())
        return Base64URL.decode(unpadded).flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension String {
    fileprivate func replacingCharacters(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

/// RFC 7636 S256: `BASE64URL(SHA256(code_verifier)) == code_challenge`, compared in constant time.
enum PKCE {
    static func matches(verifier: String, challenge: String) -> Bool {
        let allowed = verifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
        guard allowed, (43...128).contains(verifier.utf8.count) else { return false }
        return ConstantTime.equal(RandomToken.hash(verifier).utf8, challenge.utf8)
    }
}
