import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoStore

/// Everything the host needs to start, read once (environment, then command-line flags).
public struct HostConfiguration: Sendable {
    /// Socket settings: address, port, header/idle timeouts, header size limit.
    public var server: ServerConfiguration
    /// Event loops (threads); one per core by default.
    public var loops: Int
    /// How long in-flight requests may run after SIGTERM before connections are cut.
    public var drainTimeout: Duration
    /// How long, once stopping, the host keeps taking new connections while it reports not ready
    /// (`SOKO_DRAIN_DELAY`, default 0): the time a load balancer needs to stop sending (Kubernetes
    /// takes a pod out of its endpoints a few seconds after SIGTERM).
    public var drainDelay: Duration = .zero
    /// How often a host registered with Consul registers again (`SOKO_CONSUL_REFRESH`, default 30s),
    /// so a Consul restart or a failed first registration heals.
    public var consulRefresh: Duration = .seconds(30)
    /// `development` (sandbox fallbacks allowed) or `production` (nothing falls back: missing or
    /// sandbox settings stop the host at start) — `SOKO_ENV`, flag `--env`.
    public var mode: RunMode = .development
    /// Folder with `<service>.yaml` manifests.
    public var manifestsDirectory: String
    /// Serve only this service's functions (a service per pod).
    public var service: String?
    /// Serve only this function, by name or `service.name` (a function per pod).
    public var function: String?
    /// Serve only this deployment unit (`SOKO_UNIT`): a service's functions deployed with it, or a
    /// function the manifest deploys on its own (`catalog-get-product`). How the generated
    /// Kubernetes and compose deployments start their processes.
    public var unit: String?
    public var accessLog: AccessLogSink
    /// Where the services' stores live (SQLite files or a PostgreSQL database).
    public var store: StoreConfiguration
    /// The environment handed to bundles when they register (read once, at start).
    public var environment: [String: String] = [:]
    /// Threads for blocking computation such as password hashing (`SOKO_COMPUTE_THREADS`).
    public var computeThreads = 2
    /// Peers whose `X-Forwarded-For` is believed (`SOKO_TRUSTED_PROXIES`, comma-separated
    /// addresses and CIDR networks; default loopback, where a co-located gateway connects from).
    public var trustedProxies = TrustedProxies.loopback
    /// Milliseconds since 1970: the clock of the manifests' `rateLimit:` windows (tests move it).
    public var wallClock: @Sendable () -> Int64 = RateLimiter.wallClock
    /// The clock handlers read as `context.now` (tests set it to check expiry and timestamps).
    public var clock: WallClock = .system
    /// How long a host trusts the signing keys it fetched before fetching them again
    /// (`SOKO_JWKS_REFRESH`, default 60s): a retired key stops verifying within this time plus the
    /// Users service's own re-read of its keys (the same setting).
    public var jwksRefresh: Duration = .seconds(60)

    public init(
        server: ServerConfiguration = ServerConfiguration(), loops: Int = EventLoopGroup.coreCount,
        drainTimeout: Duration = .seconds(25), manifestsDirectory: String = "manifests/functions",
        service: String? = nil, function: String? = nil, accessLog: AccessLogSink = .standardOutput,
        store: StoreConfiguration = StoreConfiguration()
    ) {
        self.server = server
        self.loops = loops
        self.drainTimeout = drainTimeout
        self.manifestsDirectory = manifestsDirectory
        self.service = service
        self.function = function
        self.accessLog = accessLog
        self.store = store
    }

    /// Reads `SOKO_*` variables over the defaults; a malformed value is an error naming it.
    public static func fromEnvironment(_ environment: [String: String]) throws -> HostConfiguration {
        // Secrets given as files are read first: one that cannot be read stops the host.
        let environment = try SecretFiles.resolve(environment, names: SecretFiles.hostSecrets)
        var configuration = HostConfiguration()
        configuration.store = try StoreConfiguration.fromEnvironment(environment)
        configuration.environment = environment
        if let proxies = environment["SOKO_TRUSTED_PROXIES"] {
            configuration.trustedProxies = try TrustedProxies(parsing: proxies)
        }
        func duration(_ name: String) throws -> Duration? {
            guard let text = environment[name] else { return nil }
            guard let value = DurationParser.parse(text), value > .zero else {
                throw ConfigurationError(variable: name, value: text, expected: "a duration such as 500ms, 10s, 2m")
            }
            return value
        }
        func integer(_ name: String, range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(
                    variable: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        guard let mode = RunMode.from(environment) else {
            throw ConfigurationError(
                variable: RunMode.variable, value: environment[RunMode.variable] ?? "", expected: "production or development")
        }
        configuration.mode = mode
        if let host = environment["SOKO_HOST"] { configuration.server.host = host }
        if let port = try integer("SOKO_PORT", range: 0...65535) { configuration.server.port = port }
        if let loops = try integer("SOKO_LOOPS", range: 1...256) { configuration.loops = loops }
        if let threads = try integer("SOKO_COMPUTE_THREADS", range: 1...64) { configuration.computeThreads = threads }
        if let value = try duration("SOKO_HEADER_TIMEOUT") { configuration.server.headerTimeout = value }
        if let value = try duration("SOKO_IDLE_TIMEOUT") { configuration.server.idleTimeout = value }
        if let value = try duration("SOKO_BODY_TIMEOUT") { configuration.server.bodyTimeout = value }
        if let value = try duration("SOKO_DRAIN_TIMEOUT") { configuration.drainTimeout = value }
        if let text = environment["SOKO_DRAIN_DELAY"] {
            // Zero is allowed here: no delay.
            guard let value = text == "0" ? Duration.zero : DurationParser.parse(text) else {
                throw ConfigurationError(variable: "SOKO_DRAIN_DELAY", value: text, expected: "a duration such as 5s, or 0")
            }
            configuration.drainDelay = value
        }
        if let value = try duration("SOKO_CONSUL_REFRESH") { configuration.consulRefresh = value }
        if let value = try duration("SOKO_JWKS_REFRESH") { configuration.jwksRefresh = value }
        if let value = environment["SOKO_MANIFESTS"] { configuration.manifestsDirectory = value }
        if let value = environment["SOKO_SERVICE"], !value.isEmpty { configuration.service = value }
        if let value = environment["SOKO_FUNCTION"], !value.isEmpty { configuration.function = value }
        if let value = environment["SOKO_UNIT"], !value.isEmpty { configuration.unit = value }
        if let value = environment["SOKO_ACCESS_LOG"] {
            switch value {
            case "stdout", "on", "": configuration.accessLog = .standardOutput
            case "off", "none": configuration.accessLog = .discard
            default: throw ConfigurationError(variable: "SOKO_ACCESS_LOG", value: value, expected: "stdout or off")
            }
        }
        return configuration
    }
}

/// A configuration value the host cannot use.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "\(variable)=\"\(value)\" is not valid: expected \(expected)" }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
