import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `GET /_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials` with
/// `Authorization: Basic base64(key:secret)` → `{"access_token","expires_in":"3599"}` (a string,
/// as Daraja sends it).
enum DarajaToken {
    static func run(_ request: FunctionRequest, context: FunctionContext, settings: SandboxSettings) async
        -> FunctionResponse
    {
        await DarajaEndpoint.answer(context) {
            guard request.query["grant_type"] == "client_credentials" else { throw DarajaError.invalidGrantType }
            guard let (key, secret) = basicCredentials(request.headers["Authorization"]),
                key == settings.darajaConsumerKey, secret == settings.darajaConsumerSecret
            else { throw DarajaError.invalidAuthentication }
            let token = SandboxIdentifiers.darajaToken()
            let now = context.now.unixSeconds
            try await context.store.execute(
                "INSERT INTO daraja_tokens (token, expires_at) VALUES ($1, $2)",
                [.text(token), SQLValue(now + settings.darajaTokenTTL)])
            try await context.store.execute("DELETE FROM daraja_tokens WHERE expires_at < $1", [SQLValue(now - 86_400)])
            var json = JSONBuffer(capacity: 96)
            json.openObject()
            json.key("access_token")
            json.string(token)
            json.key("expires_in")
            json.string(String(settings.darajaTokenTTL))
            json.closeObject()
            return FunctionResponse(json: json)
        }
    }

    /// Checks `Authorization: Bearer <token>` against the issued, unexpired tokens.
    /// - Throws: ``DarajaError/invalidAuthenticationHeader`` or ``DarajaError/invalidAccessToken``.
    static func authorize(_ request: FunctionRequest, context: FunctionContext) async throws {
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("bearer ") else {
            throw DarajaError.invalidAuthenticationHeader
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        let rows = try await context.store.query(
            "SELECT expires_at FROM daraja_tokens WHERE token = $1", [.text(token)])
        guard let expiry = try rows.first?.int("expires_at"), expiry > context.now.unixSeconds else {
            throw DarajaError.invalidAccessToken
        }
    }

    /// The user and password of `Basic …`, or nil when the header is absent or malformed.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingWhitespace()),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
