import Glibc
import SokoFunctions
import SokoSecurity

/// `POST /oauth/token` (RFC 6749 §3.2): form-encoded grants, JSON answers, `Cache-Control: no-store`.
/// Errors use the RFC's own shape (`{"error": …, "error_description": …}`), which OAuth clients parse.
struct TokenEndpoint: DependentRawFunction {
    static let name = "token"
    let tokens: TokenIssuer
    let clients: OAuthClients

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        let form = QueryParameters(parsing: Substring(String(decoding: request.body, as: UTF8.self)))
        do {
            let pair: TokenIssuer.Pair
            switch form["grant_type"] {
            case "refresh_token":
                pair = try await Self.refresh(form, request: request, context: context, tokens: tokens, clients: clients)
            case "authorization_code":
                pair = try await Self.authorizationCode(
                    form, request: request, context: context, tokens: tokens, clients: clients)
            case "client_credentials":
                pair = try await Self.clientCredentials(
                    form, request: request, context: context, tokens: tokens, clients: clients)
            case nil:
                throw OAuthError("invalid_request", "grant_type is required")
            case let other?:
                throw OAuthError("unsupported_grant_type", "\(other) is not supported here")
            }
            var response = try FunctionResponse.json(pair)
            response.headers.add("Cache-Control", "no-store")
            response.headers.add("Pragma", "no-cache")
            return response
        } catch let error as OAuthError {
            return error.response
        }
    }

    /// Rotation: each refresh token works once. Presenting a spent one means it leaked, so its
    /// whole family (every token descended from the same sign-in) is revoked.
    ///
    /// A token issued to a confidential client is redeemed only by that client authenticating
    /// (HTTP Basic or form, RFC 6749 §6), else `invalid_client` (401): a leaked refresh token is
    /// useless without the client's secret. Public clients (the first-party apps) have no secret.
    static func refresh(
        _ form: QueryParameters, request: FunctionRequest, context: FunctionContext, tokens: TokenIssuer,
        clients: OAuthClients
    ) async throws -> TokenIssuer.Pair {
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
        let time = context.now
        let now = time.unixSeconds
        let owner = try row.string("client_id") ?? ""
        let credentials = Self.clientCredentials(form, request: request)
        if clients.clients[owner]?.isConfidential == true {
            guard let credentials, credentials.id == owner,
                clients.authenticate(clientID: credentials.id, secret: credentials.secret) != nil
            else { throw OAuthError("invalid_client", "the client this refresh token belongs to must authenticate", status: 401) }
        }
        if let client = credentials?.id ?? form["client_id"], client != owner {
            throw OAuthError("invalid_grant", "the refresh token was issued to another client")
        }
        if try row.int("revoked_at") != nil { throw OAuthError("invalid_grant", "the refresh token was revoked") }
        if try (row.int("expires_at") ?? 0) <= now { throw OAuthError("invalid_grant", "the refresh token has expired") }
        guard let user = try await User.find(id: try row.string("user_id") ?? "", in: store) else {
            throw OAuthError("invalid_grant", "the account no longer exists")
        }
        // Spend it and store its successor in one transaction: only one of two concurrent
        // refreshes can win, and a replay's revocation (after it) also reaches the successor.
        let successor = RefreshToken(
            family: family, user: user.id, clientID: try row.string("client_id") ?? "", scope: try row.string("scope"),
            expiresAt: try row.int("expires_at") ?? now)
        try await Self.spend(
            "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL",
            hash: hash, at: time, successor: successor, store: store,
            replayed: "the refresh token was already used; its sessions are revoked")
        return try await tokens.pair(
            for: user, refresh: successor, roles: Self.roles(for: user, clientID: successor.clientID), at: time, store: store)
    }

    /// Admin powers come only through the first-party sign-in, never through a token another
    /// application obtained on the user's behalf.
    static func roles(for user: User, clientID: String) -> [String] {
        clientID == "first-party" ? user.roles : user.roles.filter { $0 != "admin" }
    }

    /// PKCE (RFC 7636, S256): the verifier must hash to the challenge the code was bound to; the
    /// redirect URI and client must match exactly. A code works once: a replay also revokes the
    /// tokens the first exchange produced.
    static func authorizationCode(
        _ form: QueryParameters, request: FunctionRequest, context: FunctionContext, tokens: TokenIssuer,
        clients: OAuthClients
    ) async throws -> TokenIssuer.Pair {
        let credentials = Self.clientCredentials(form, request: request)
        guard let code = form["code"], let verifier = form["code_verifier"],
            let clientID = credentials?.id ?? form["client_id"], let redirectURI = form["redirect_uri"]
        else { throw OAuthError("invalid_request", "code, code_verifier, client_id and redirect_uri are required") }
        // A confidential client (one with a secret) must prove it (RFC 6749 §4.1.3).
        if clients.clients[clientID]?.secretSHA256 != nil {
            guard let credentials, clients.authenticate(clientID: credentials.id, secret: credentials.secret) != nil else {
                throw OAuthError("invalid_client", "this client must authenticate", status: 401)
            }
        }
        let store = context.store
        let hash = RandomToken.hash(code)
        guard
            let row = try await store.query(
                "SELECT client_id, user_id, redirect_uri, challenge, scope, family, expires_at, used_at FROM auth_codes WHERE code_hash = $1",
                [.text(hash)]
            ).first
        else { throw OAuthError("invalid_grant", "unknown authorization code") }
        let family = try row.string("family") ?? ""
        let time = context.now
        let now = time.unixSeconds
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
        let refresh = RefreshToken(
            family: family, user: user.id, clientID: clientID, scope: try row.string("scope"),
            expiresAt: now + tokens.settings.refreshTokenLifetime)
        try await Self.spend(
            "UPDATE auth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL", hash: hash, at: time,
            successor: refresh, store: store, replayed: "the authorization code was already used")
        return try await tokens.pair(
            for: user, refresh: refresh, roles: Self.roles(for: user, clientID: clientID), at: time, store: store)
    }

    /// Marks a one-time credential used and stores the refresh token it buys, in one
    /// transaction. When it was already used (a replay, or a concurrent loser), the family is
    /// revoked — after the winner committed, so its new token is revoked too — and the grant fails.
    static func spend(
        _ markUsed: String, hash: String, at now: WallTime, successor: RefreshToken, store: Store, replayed: String
    ) async throws {
        let spent = try await store.transaction { tx -> Bool in
            guard try tx.execute(markUsed, [.integer(Int64(now.unixSeconds)), .text(hash)]) == 1 else { return false }
            try successor.insert(into: tx, at: now)
            return true
        }
        guard spent else {
            try await Self.revoke(family: successor.family, at: now, store: store)
            throw OAuthError("invalid_grant", replayed)
        }
    }

    /// Revokes every live refresh token of `family`, as of `now`.
    static func revoke(family: String, at now: WallTime, store: Store) async throws {
        try await store.execute(
            "UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
            [.integer(Int64(now.unixSeconds)), .text(family)])
    }

    /// Client id and secret (HTTP Basic or form), no refresh token. An internal client (the
    /// platform's own services) gets the `service` role; any other client gets no role, only the
    /// scopes configured for it — it reaches only `auth: client` functions whose `scopes:` it holds.
    static func clientCredentials(
        _ form: QueryParameters, request: FunctionRequest, context: FunctionContext, tokens: TokenIssuer,
        clients: OAuthClients
    ) async throws -> TokenIssuer.Pair {
        let credentials = Self.clientCredentials(form, request: request)
        guard let credentials, let client = clients.authenticate(clientID: credentials.id, secret: credentials.secret) else {
            throw OAuthError("invalid_client", "unknown client or wrong secret", status: 401)
        }
        let scope = try Self.grantedScope(requested: form["scope"], configured: client.scope)
        return try await tokens.issueClientToken(
            clientID: client.clientID, roles: client.isInternal ? ["service"] : [], scope: scope, at: context.now,
            store: context.store)
    }

    /// A client gets at most the scopes the operator configured for it (RFC 6749 §3.3).
    static func grantedScope(requested: String?, configured: String?) throws -> String? {
        guard let requested, !requested.isEmpty else { return configured }
        let allowed = Set((configured ?? "").split(separator: " "))
        let asked = requested.split(separator: " ")
        guard asked.allSatisfy(allowed.contains) else {
            throw OAuthError(
                "invalid_scope", "the client may not ask for: \(asked.filter { !allowed.contains($0) }.joined(separator: " "))")
        }
        return asked.joined(separator: " ")
    }

    /// Credentials from HTTP Basic or the form; nil when none were sent.
    static func clientCredentials(_ form: QueryParameters, request: FunctionRequest) -> (id: String, secret: String)? {
        if let basic = request.headers["Authorization"], basic.lowercased().hasPrefix("basic "),
            let decoded = Base64Standard.decode(String(basic.dropFirst(6))),
            let colon = decoded.firstIndex(of: ":")
        {
            return (
                PercentDecoding.decode(decoded[..<colon], plusIsSpace: true),
                PercentDecoding.decode(decoded[decoded.index(after: colon)...], plusIsSpace: true)
            )
        }
        guard let id = form["client_id"], let secret = form["client_secret"] else { return nil }
        return (id, secret)
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
        response.headers.add("Pragma", "no-cache")
        if status == 401 { response.headers.add("WWW-Authenticate", #"Basic realm="soko""#) }
        return response
    }
}

/// Standard base64 (with padding), for HTTP Basic credentials.
enum Base64Standard {
    static func decode(_ text: String) -> String? {
        let urlSafe = text.trimmingWhitespace()
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
