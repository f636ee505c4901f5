/// The service whose manifest says `identity: { token: token, jwks: jwks }`: it issues the access
/// tokens every host verifies. The host fetches its JWKS (in-process when co-located) and asks its
/// token endpoint for the platform's client-credentials token; the generated deployments point
/// `SOKO_JWKS_URL` at it. The runtime learns these names from the manifests, never from code.
public struct IdentityProvider: Sendable, Equatable {
    /// The function serving the OAuth token endpoint (`client_credentials`).
    public var tokenFunction: String
    /// The function publishing the signing keys (a JWKS).
    public var jwksFunction: String

    public init(tokenFunction: String, jwksFunction: String) {
        self.tokenFunction = tokenFunction
        self.jwksFunction = jwksFunction
    }

    static let keys = ["token", "jwks"]

    static func parse(_ node: ManifestNode) throws(ManifestError) -> IdentityProvider {
        let form = "a mapping such as { token: token, jwks: jwks } naming the functions"
        let entries = try node.entries(allowed: keys, expecting: form)
        guard let token = entries.first(where: { $0.name == "token" })?.value,
            let jwks = entries.first(where: { $0.name == "jwks" })?.value
        else { throw node.error("needs token and jwks (\(form))") }
        return IdentityProvider(
            tokenFunction: try token.scalar(expecting: "the token endpoint's function"),
            jwksFunction: try jwks.scalar(expecting: "the JWKS function"))
    }
}

/// Where the identity provider's two endpoints are: service, function, route and deployment unit.
public struct IdentityEndpoints: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var function: String
        public var method: String
        public var path: String
        public var unit: String
    }

    public var service: String
    public var token: Endpoint
    public var jwks: Endpoint

    /// The endpoints the manifests declare, or nil when none declares an identity provider.
    public static func find(in manifests: [ServiceManifest]) -> IdentityEndpoints? {
        for manifest in manifests {
            guard let identity = manifest.identity else { continue }
            func endpoint(_ name: String) -> Endpoint? {
                guard let function = manifest.functions.first(where: { $0.name == name }),
                    case .http(let routes) = function.trigger, let route = routes.first
                else { return nil }
                return Endpoint(function: name, method: route.method, path: route.path, unit: manifest.unitName(of: function))
            }
            guard let token = endpoint(identity.tokenFunction), let jwks = endpoint(identity.jwksFunction) else { return nil }
            return IdentityEndpoints(service: manifest.service, token: token, jwks: jwks)
        }
        return nil
    }
}
