import SokoManifest

/// Base URLs of the units this process calls over HTTP, and its client credentials.
public struct ServiceDirectory: Sendable {
    static let prefix = "SOKO_SERVICE_URL_"

    /// Base URL by unit (or service) name, without a trailing slash.
    public var urls: [String: String]
    public var clientID: String?
    public var clientSecret: String?
    /// `SOKO_TOKEN_URL`: the token endpoint, when set explicitly.
    public var tokenURL: String?

    public init(urls: [String: String] = [:], clientID: String? = nil, clientSecret: String? = nil, tokenURL: String? = nil) {
        self.urls = urls
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
    }

    func url(of unit: String) -> String? { urls[unit] }

    /// `SOKO_TOKEN_URL`, else the identity provider's unit (or service) URL and token route.
    func tokenURL(identity: IdentityEndpoints?) -> String? {
        tokenURL
            ?? identity.flatMap { identity in
                (urls[identity.token.unit] ?? urls[identity.service]).map { $0 + identity.token.path }
            }
    }

    static func variable(_ unit: String) -> String {
        prefix + unit.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// A Consul agent's address and ACL token.
public struct ConsulSettings: Sendable {
    /// `http://host:port`, without a trailing slash.
    public var agent: String
    public var token: String?

    public init(agent: String, token: String? = nil) {
        self.agent = agent
        self.token = token
    }
}
