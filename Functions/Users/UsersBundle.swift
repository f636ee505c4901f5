import SokoFunctions
import SokoSecurity

/// The Users bundle: accounts, passwords, access tokens and their signing keys.
public enum UsersBundle: FunctionBundle {
    public static let service = "users"

    public static let migrations = UsersSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        let settings = UsersSettings(environment: registry.environment)
        let passwords = PasswordHasher(parameters: settings.passwordParameters, pool: registry.compute)
        let keys = KeyRing(maxAge: settings.keysMaxAge)
        let tokens = TokenIssuer(settings: settings, keys: keys)
        let clients = OAuthClients(environment: registry.environment)
        if let problem = clients.problem { registry.refuse(problem) }
        if registry.mode == .production, settings.passwordParameters.memoryKiB < PasswordHasher.Parameters.owasp.memoryKiB {
            // A test knob: cheaper hashes are cheaper to crack.
            registry.refuse(
                "SOKO_ARGON2_MEMORY_KIB: lowers password hashing below OWASP's \(PasswordHasher.Parameters.owasp.memoryKiB) KiB; production keeps it"
            )
        }
        if registry.mode == .production, let platform = registry.environment["SOKO_SERVICE_CLIENT_ID"], !platform.isEmpty,
            clients.clients[platform]?.isInternal != true
        {
            // The platform's own client must be the internal one, or its services lose their role.
            registry.refuse(
                "SOKO_OAUTH_CLIENTS: the platform's client \"\(platform)\" (SOKO_SERVICE_CLIENT_ID) must be listed with a secret_sha256 and \"internal\": true"
            )
        }
        registry.report("SOKO_TOKEN_ISSUER", settings.issuer)
        registry.report("SOKO_OAUTH_CLIENTS", clients.summary)
        let throttle = LoginThrottle()
        registry.add(Register(passwords: passwords))
        registry.add(Login(passwords: passwords, tokens: tokens, throttle: throttle))
        registry.add(TokenEndpoint(tokens: tokens, clients: clients))
        registry.add(Authorize(clients: clients, passwords: passwords, throttle: throttle))
        registry.add(PublishKeys(keys: keys))
        registry.add(PublishDiscovery(settings: settings))
        registry.add(Me.self)
        registry.add(UpdateMe.self)
        registry.add(ChangePassword(passwords: passwords, throttle: throttle))
        registry.add(Logout.self)
        registry.add(Contact.self)
        registry.add(ForgotPassword.self)
        registry.add(ResetPassword(passwords: passwords))
        registry.add(VerifyEmail.self)
        registry.add(ResendVerification.self)
        registry.add(IssueAccountLink.self)
        registry.add(SmsContactLookup.self)
    }
}

/// The bundle's settings, read from the environment once, when it registers.
struct UsersSettings: Sendable {
    var issuer: String
    var audience: String
    var accessTokenLifetime: Int
    var refreshTokenLifetime: Int
    var passwordParameters: PasswordHasher.Parameters
    /// How long the signing keys read from the database are used before reading them again
    /// (`SOKO_JWKS_REFRESH`, as the hosts' JWKS refresh: `90s`, `2m`; default 60 s).
    var keysMaxAge: Duration = .seconds(60)

    init(environment: [String: String]) {
        issuer = environment["SOKO_TOKEN_ISSUER"] ?? TokenDefaults.issuer
        audience = environment["SOKO_TOKEN_AUDIENCE"] ?? TokenDefaults.audience
        accessTokenLifetime = TokenDefaults.accessTokenLifetime
        refreshTokenLifetime = 30 * 24 * 3600
        // Tests may lower the cost (SOKO_ARGON2_MEMORY_KIB); production keeps OWASP's parameters.
        var parameters = PasswordHasher.Parameters.owasp
        if let memory = environment["SOKO_ARGON2_MEMORY_KIB"].flatMap(UInt32.init), memory >= 8 {
            parameters.memoryKiB = memory
        }
        passwordParameters = parameters
        if let text = environment["SOKO_JWKS_REFRESH"], let refresh = Self.duration(text) { keysMaxAge = refresh }
    }

    /// `90s`, `2m`, `1h` or a bare number of seconds (the host validates the variable at start).
    /// `SOKO_JWKS_REFRESH` as the host reads it: `500ms`, `30s`, `1m`, `1h`, or bare seconds.
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            guard let count = Int64(text.dropLast(suffix.count)), count > 0 else { return nil }
            return .milliseconds(count * milliseconds)
        }
        return Int64(text).flatMap { $0 > 0 ? .seconds($0) : nil }
    }
}
