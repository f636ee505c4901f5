/// The parsed, validated form of `manifests/functions/<service>.yaml`.
///
/// A manifest binds a service's handler names to triggers (HTTP routes, events, schedules) and
/// bounds (timeout, concurrency, body size, scaling). It is the single source of truth for
/// routing, the gateway and the Kubernetes objects.
public struct ServiceManifest: Sendable, Equatable {
    /// The service (bundle) name, e.g. `examples`, `users`, `cart`.
    public var service: String
    /// Path of the file this manifest came from (used in error messages).
    public var file: String
    /// The functions in the order the file lists them.
    public var functions: [FunctionManifest]
    /// How the service's functions are deployed unless a function says otherwise (`deploy:`).
    public var deploy: Deployment
    /// The environment variables that hold the service's secrets (`secrets:`). Each may be given
    /// as a file instead, `<NAME>_FILE` (the host reads it at start); Kubernetes mounts them from
    /// the service's Secret, compose passes them from `docker/.env`.
    public var secrets: [String]
    /// Where the service is served (`environments:`, values of `SOKO_ENV`): a service for developers
    /// only — the payment sandbox, the examples — says `[development]`, and a production host
    /// leaves it out, as do the production gateway and deployments.
    public var environments: [String]
    /// `identity: { token: …, jwks: … }`: this service issues the platform's access tokens.
    public var identity: IdentityProvider?
    /// `development: { provides: { NAME: value } }` and `production: { provides: … }`, by
    /// environment: settings this service gives every unit deployed in that environment, in file
    /// order (a stand-in for an outside API says where it is; a service names the live API).
    public var providedSettings: [String: [ProvidedSetting]]

    /// The environments a host can run in (`SOKO_ENV`).
    public static let allEnvironments = ["development", "production"]

    public init(
        service: String, file: String, functions: [FunctionManifest], deploy: Deployment = .service, secrets: [String] = [],
        environments: [String] = ServiceManifest.allEnvironments, identity: IdentityProvider? = nil,
        providedSettings: [String: [ProvidedSetting]] = [:]
    ) {
        self.service = service
        self.file = file
        self.functions = functions
        self.deploy = deploy
        self.secrets = secrets
        self.environments = environments
        self.identity = identity
        self.providedSettings = providedSettings
    }

    /// Whether the service is served in `environment` (`development` or `production`).
    public func isServed(in environment: String) -> Bool { environments.contains(environment) }

    /// The settings this service gives every unit deployed in `environment`.
    public func provides(in environment: String) -> [ProvidedSetting] { providedSettings[environment] ?? [] }
}

/// One function entry of a manifest.
public struct FunctionManifest: Sendable, Equatable {
    /// The handler name; the bundle registers a handler under the same name.
    public var name: String
    public var trigger: Trigger
    /// Who may call it; enforced by the host before the handler runs.
    public var auth: AuthPolicy
    /// `scopes:` — every scope a third-party application's token must carry to call it (all of
    /// them). First-party sign-ins and the platform's own service token are not narrowed by
    /// scopes; an `auth: client` function needs at least one.
    public var scopes: [String]
    /// The handler's deadline; past it the host answers 504.
    public var timeout: Duration
    /// In-flight cap per process; over it the host answers 503 with `Retry-After`.
    public var concurrency: Int
    /// Largest request body accepted, in bytes; over it the host answers 413.
    public var bodyLimit: Int
    /// Autoscaling bounds, read by the Kubernetes generator.
    public var scale: ScalePolicy
    /// Delivery attempts for event-triggered functions.
    public var retries: Int
    /// `deploy:` as the function's entry writes it; `nil` takes the manifest's
    /// (``ServiceManifest/deployment(of:)``).
    public var deploy: Deployment?
    /// `rateLimit:` — calls per caller per window, enforced by the host (nil: unlimited).
    public var rateLimit: RateLimitPolicy? = nil
    /// `log: { redact: [...] }` — path parameters the access log shows as `[redacted]`.
    public var redactedPathParameters: [String] = []
    /// `gateway:` — the nginx gateway's rate limit and allowlist for the function's routes.
    public var gateway = GatewayPolicy()

    public init(
        name: String, trigger: Trigger, auth: AuthPolicy = .customer, scopes: [String] = [],
        timeout: Duration = ManifestDefaults.timeout,
        concurrency: Int = ManifestDefaults.concurrency,
        bodyLimit: Int = ManifestDefaults.bodyLimit,
        scale: ScalePolicy = ScalePolicy(), retries: Int = ManifestDefaults.retries, deploy: Deployment? = nil
    ) {
        self.name = name
        self.trigger = trigger
        self.auth = auth
        self.scopes = scopes
        self.timeout = timeout
        self.concurrency = concurrency
        self.bodyLimit = bodyLimit
        self.scale = scale
        self.retries = retries
        self.deploy = deploy
    }
}

/// Defaults applied when a manifest leaves a key out.
public enum ManifestDefaults {
    public static let timeout: Duration = .seconds(10)
    public static let concurrency = 1024
    public static let bodyLimit = 1 << 20
    public static let retries = 8
}

/// How a function is invoked.
public enum Trigger: Sendable, Equatable {
    /// `http: METHOD /path/{param}` (or a list of them).
    case http([HTTPRoute])
    /// `event: name` (or a list of names).
    case event([String])
    /// `schedule: every 10m` or a five-field cron expression.
    case schedule(Schedule)
}

/// One HTTP route: a method and a path template such as `/orders/{id}/pay`.
public struct HTTPRoute: Sendable, Equatable, Hashable {
    /// Upper-case method token: GET, POST, PUT, PATCH, DELETE, …
    public var method: String
    /// The template as written, e.g. `/orders/{id}`.
    public var path: String
    /// The template split on `/` (the empty leading segment dropped; `/` alone has no segments).
    public var segments: [PathSegment]

    public init(method: String, path: String, segments: [PathSegment]) {
        self.method = method
        self.path = path
        self.segments = segments
    }
}

/// A segment of a route template.
public enum PathSegment: Sendable, Equatable, Hashable {
    case literal(String)
    case parameter(String)
}

/// When a scheduled function runs.
public enum Schedule: Sendable, Equatable {
    /// `every 30s`, `every 10m`, `every 1h`.
    case every(Duration)
    /// A five-field cron expression (minute hour day-of-month month day-of-week).
    case cron(CronExpression)
}

/// A validated five-field cron expression; each field is the set of values it matches.
public struct CronExpression: Sendable, Equatable {
    public var source: String
    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var daysOfMonth: Set<Int>
    public var months: Set<Int>
    public var daysOfWeek: Set<Int>

    public init(
        source: String, minutes: Set<Int>, hours: Set<Int>, daysOfMonth: Set<Int>,
        months: Set<Int>, daysOfWeek: Set<Int>
    ) {
        self.source = source
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
    }
}

/// The manifest's `auth:` policy.
public enum AuthPolicy: String, Sendable, Equatable, CaseIterable {
    /// Anyone.
    case `public`
    /// A valid customer access token.
    case customer
    /// A customer token when one is sent (a bad one is refused), else an anonymous guest
    /// (the guest cart, which travels in `X-Cart-Token`).
    case guest
    /// An access token carrying the admin role.
    case admin
    /// A client-credentials token of an internal client (`"internal": true`): the platform's own services.
    case service
    /// An application acting as itself: a third-party client-credentials token carrying every
    /// scope in `scopes:` (required), or the platform's service token.
    case client
    /// No bearer token; the handler verifies the gateway's signature itself.
    case webhook
}

/// `scale: {min, max, rps}` — replicas and the per-pod request rate the autoscaler aims at.
public struct ScalePolicy: Sendable, Equatable {
    public var min: Int
    public var max: Int
    public var rps: Int

    public init(min: Int = 1, max: Int = 10, rps: Int = 100) {
        self.min = min
        self.max = max
        self.rps = rps
    }
}

/// A manifest the host refuses, naming the file and the key at fault.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    /// The manifest file.
    public var file: String
    /// Dotted key path, e.g. `functions.addToCart.timeout`; empty for the whole file.
    public var key: String
    public var message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}
