import SokoFunctions

/// RFC 8414 authorization-server metadata (`GET /.well-known/oauth-authorization-server`).
struct Discovery: Encodable, Sendable {
    var issuer: String
    var tokenEndpoint: String
    var authorizationEndpoint: String
    var jwksURI: String
    var responseTypesSupported = ["code"]
    var grantTypesSupported = ["authorization_code", "refresh_token", "client_credentials"]
    var codeChallengeMethodsSupported = ["S256"]
    var tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]

    init(settings: UsersSettings) {
        issuer = settings.issuer
        tokenEndpoint = settings.issuer + "/oauth/token"
        authorizationEndpoint = settings.issuer + "/oauth/authorize"
        jwksURI = settings.issuer + "/.well-known/jwks.json"
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case tokenEndpoint = "token_endpoint"
        case authorizationEndpoint = "authorization_endpoint"
        case jwksURI = "jwks_uri"
        case responseTypesSupported = "response_types_supported"
        case grantTypesSupported = "grant_types_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
    }
}

/// `discovery` — the authorization server's metadata document.
struct PublishDiscovery: DependentRawFunction {
    static let name = "discovery"
    let settings: UsersSettings

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try .json(Discovery(settings: settings))
    }
}
