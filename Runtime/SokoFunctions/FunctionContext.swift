/// Who is calling: filled by the host's auth policy before the handler runs.
public struct CallerIdentity: Sendable, Equatable {
    /// The token's `sub` (a user id, or the client id for a service).
    public var subject: String
    /// The OAuth client the token was issued to.
    public var clientID: String?
    public var roles: Set<String>
    public var scopes: Set<String>
    /// True for the platform's own service token (an internal client's `client_credentials`).
    public var isService: Bool
    /// True for a third-party application's own `client_credentials` token: no user behind it,
    /// `subject` is the client.
    public var isClient: Bool

    public init(
        subject: String, clientID: String? = nil, roles: Set<String> = [], scopes: Set<String> = [],
        isService: Bool = false, isClient: Bool = false
    ) {
        self.subject = subject
        self.clientID = clientID
        self.roles = roles
        self.scopes = scopes
        self.isService = isService
        self.isClient = isClient
    }
}

/// Everything a handler knows about the call besides its input.
///
/// The parts that are the same for every call of a function (its names, store, invoker, outgoing
/// HTTP, mailer, clock and logger) live in one shared ``Shared`` object, so a context costs one
/// reference for them instead of a copy (and a release) of each per request.
public struct FunctionContext: Sendable {
    /// The parts of a context every call of one function shares.
    package final class Shared: Sendable {
        let service: String
        let function: String
        let store: Store
        let invoker: (any FunctionInvoker)?
        let outgoing: (any OutgoingHTTP)?
        let mailer: (any MailTransport)?
        let clock: WallClock
        let logger: Logger

        package init(
            service: String, function: String, store: Store, invoker: (any FunctionInvoker)?,
            outgoing: (any OutgoingHTTP)?, mailer: (any MailTransport)?, clock: WallClock, logger: Logger
        ) {
            self.service = service
            self.function = function
            self.store = store
            self.invoker = invoker
            self.outgoing = outgoing
            self.mailer = mailer
            self.clock = clock
            self.logger = logger
        }
    }

    /// The `X-Request-ID` the caller sent (if sane) or one the host generated; echoed on the response.
    public var requestID: String { inlineRequestID.string }
    /// ``requestID`` as the host holds it: a generated id becomes a `String` only when read.
    package let inlineRequestID: RequestID
    /// When the host stops waiting and answers 504; pass it on to outgoing calls.
    public let deadline: ContinuousClock.Instant
    /// The caller, or nil for a public call (the auth policy fills it).
    public let identity: CallerIdentity?
    /// Method, path, query, headers and path parameters of the HTTP request (body omitted).
    public let request: FunctionRequest
    private let shared: Shared

    public var service: String { shared.service }
    public var function: String { shared.function }
    /// The service's store (its own database); a bundle without migrations has none, and using
    /// it throws.
    public var store: Store { shared.store }
    /// Calls other functions by name (see ``invoke(_:_:_:as:idempotent:)``); nil where the host
    /// offers no invocation (a bare context in a unit test).
    public var invoker: (any FunctionInvoker)? { shared.invoker }
    /// Outgoing HTTP (see ``send(_:)-(OutgoingRequest)``); nil where the host offers none.
    public var outgoing: (any OutgoingHTTP)? { shared.outgoing }
    /// Outgoing mail; nil where the host offers none.
    public var mailer: (any MailTransport)? { shared.mailer }
    /// Where ``now`` reads the time: the system clock unless the host (or a test) set another.
    public var clock: WallClock { shared.clock }
    private var baseLogger: Logger { shared.logger }

    public init(
        requestID: String, deadline: ContinuousClock.Instant, identity: CallerIdentity? = nil,
        service: String, function: String, request: FunctionRequest, store: Store = NoStore(),
        invoker: (any FunctionInvoker)? = nil, outgoing: (any OutgoingHTTP)? = nil, mailer: (any MailTransport)? = nil,
        clock: WallClock = .system, logger: Logger
    ) {
        self.init(
            requestID: requestID, deadline: deadline, identity: identity, request: request,
            shared: Shared(
                service: service, function: function, store: store, invoker: invoker, outgoing: outgoing,
                mailer: mailer, clock: clock, logger: logger))
    }

    /// A context whose per-function parts were made once (the host's synchronous path).
    package init(
        requestID: String, deadline: ContinuousClock.Instant, identity: CallerIdentity?, request: FunctionRequest,
        shared: Shared
    ) {
        self.init(
            inlineRequestID: RequestID(requestID), deadline: deadline, identity: identity, request: request,
            shared: shared)
    }

    /// The same with the id as the host holds it.
    package init(
        inlineRequestID: RequestID, deadline: ContinuousClock.Instant, identity: CallerIdentity?,
        request: FunctionRequest, shared: Shared
    ) {
        self.inlineRequestID = inlineRequestID
        self.deadline = deadline
        self.identity = identity
        self.request = request
        self.shared = shared
    }

    /// A logger whose lines carry the request id, service and function.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "request_id"] = "\(requestID)"
        return logger
    }

    /// The wall-clock time, from ``clock``: what handlers use instead of `time(nil)` or `Date()`, so
    /// tests can set it.
    public var now: WallTime { clock.now() }

    /// Time left before the deadline (zero when passed).
    public var timeRemaining: Duration {
        max(.zero, ContinuousClock.now.duration(to: deadline))
    }

    /// Runs `body` in one transaction with the record that this function processed `event`, unless
    /// it already had (a redelivery): then nothing runs and the result is false.
    @discardableResult
    public func once<Payload>(_ event: Event<Payload>, _ body: @escaping @Sendable (Transaction) throws -> Void) async throws
        -> Bool
    {
        let consumer = "\(service).\(function)"
        let id = event.id
        return try await store.transaction { transaction in
            guard try transaction.markProcessed(eventID: id, consumer: consumer) else { return false }
            try body(transaction)
            return true
        }
    }

    /// The value of the route's `{name}` segment.
    public func pathParameter(_ name: String) -> String? { request.pathParameters[name] }
}

/// The store of a bundle that declared no migrations: every call says so.
public struct NoStore: Store {
    public init() {}
    public var dialect: SQLDialect { .sqlite }
    private var refusal: StoreError {
        .connection("this bundle declares no migrations, so it has no store")
    }
    public func execute(_ sql: String, _ parameters: [SQLValue]) async throws -> Int { throw refusal }
    public func query(_ sql: String, _ parameters: [SQLValue]) async throws -> [Row] { throw refusal }
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        throw refusal
    }
    public func close() async {}
}
