/// A registered handler, erased to the host's one calling convention.
public struct FunctionHandler: Sendable {
    /// How the handler sees its input.
    public enum Kind: String, Sendable {
        /// Typed JSON input and output.
        case typed
        /// Raw request in, raw response out.
        case raw
        /// An event consumer: the event's JSON envelope in, nothing out.
        case event
    }

    public let kind: Kind
    let body: @Sendable (FunctionRequest, FunctionContext) async throws -> FunctionResponse
    /// The handler itself when it returns without suspending (see ``init(kind:synchronous:)``);
    /// nil for an `async` handler.
    public let synchronous: (@Sendable (FunctionRequest, FunctionContext) throws -> FunctionResponse)?

    public init(kind: Kind, _ body: @escaping @Sendable (FunctionRequest, FunctionContext) async throws -> FunctionResponse) {
        self.kind = kind
        self.body = body
        synchronous = nil
    }

    /// A handler that returns without suspending: no `await`, no store, no outgoing call, and
    /// bounded work. The host may call it on the loop that read the request, without a task.
    public init(kind: Kind, synchronous body: @escaping @Sendable (FunctionRequest, FunctionContext) throws -> FunctionResponse) {
        self.kind = kind
        self.body = { request, context in try body(request, context) }
        synchronous = body
    }

    /// Calls the handler. Errors propagate; the host maps them to problem+json.
    public func callAsFunction(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try await body(request, context)
    }
}

/// The handlers one bundle offers, by the names its manifest uses.
public struct FunctionRegistry: Sendable {
    public let service: String
    /// The process environment, read once at start: bundles take their settings from here when
    /// they register, never from a handler.
    public let environment: [String: String]
    /// Threads for blocking computation (password hashing), owned by the host.
    public let compute: ComputePool
    public private(set) var handlers: [String: FunctionHandler] = [:]
    /// Names registered twice (the host refuses to start on any).
    public private(set) var duplicates: [String] = []
    /// Why the bundle cannot run (bad settings); the host refuses to start on any.
    public private(set) var refusals: [String] = []
    /// The settings the bundle runs with, for `soko check-config` (see ``report(_:_:)``).
    public private(set) var settings: [ReportedSetting] = []

    public init(service: String, environment: [String: String] = [:], compute: ComputePool) {
        self.service = service
        self.environment = environment
        self.compute = compute
    }

    /// Registers a raw handler: it sees the exact request bytes and builds the response itself.
    public mutating func raw(
        _ name: String,
        _ handler: @escaping @Sendable (FunctionRequest, FunctionContext) async throws -> FunctionResponse
    ) {
        add(name, FunctionHandler(kind: .raw, handler))
    }

    /// Registers a raw handler that returns without suspending (see
    /// ``FunctionHandler/init(kind:synchronous:)``).
    public mutating func raw(
        _ name: String,
        synchronous handler: @escaping @Sendable (FunctionRequest, FunctionContext) throws -> FunctionResponse
    ) {
        add(name, FunctionHandler(kind: .raw, synchronous: handler))
    }

    /// Registers a typed handler that returns without suspending: JSON body → `Input`, `Output`
    /// → 200 JSON (see ``FunctionHandler/init(kind:synchronous:)``).
    public mutating func typed<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, synchronous handler: @escaping @Sendable (Input, FunctionContext) throws -> Output
    ) {
        add(
            name,
            FunctionHandler(
                kind: .typed,
                synchronous: { request, context in
                    let input = try TypedInput.decode(Input.self, from: request)
                    return try .json(try handler(input, context))
                }))
    }

    /// Registers a typed handler: JSON body → `Input`, `Output` → 200 JSON.
    public mutating func typed<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (Input, FunctionContext) async throws -> Output
    ) {
        add(
            name,
            FunctionHandler(kind: .typed) { request, context in
                let input = try TypedInput.decode(Input.self, from: request)
                return try .json(try await handler(input, context))
            })
    }

    /// Registers a typed handler that picks its status and headers with ``Reply``.
    public mutating func typed<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (Input, FunctionContext) async throws -> Reply<Output>
    ) {
        add(
            name,
            FunctionHandler(kind: .typed) { request, context in
                let input = try TypedInput.decode(Input.self, from: request)
                let reply = try await handler(input, context)
                var response = try FunctionResponse.json(reply.body, status: reply.status)
                for field in reply.headers { response.headers.add(field.name, field.value) }
                return response
            })
    }

    /// Registers a typed handler that builds its own response (for instance a 204).
    public mutating func typed<Input: Decodable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (Input, FunctionContext) async throws -> FunctionResponse
    ) {
        add(
            name,
            FunctionHandler(kind: .typed) { request, context in
                try await handler(try TypedInput.decode(Input.self, from: request), context)
            })
    }

    /// Registers an event consumer (a manifest entry with `event: <name>`). The host's relay calls
    /// it with each event after the producer committed, at least once: record the event id with
    /// ``FunctionContext/once(_:_:)`` so a redelivery changes nothing. Throwing asks for a retry
    /// with backoff; after the manifest's `retries` the delivery is parked as a dead letter.
    public mutating func event<Payload: Codable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (Event<Payload>, FunctionContext) async throws -> Void
    ) {
        add(
            name,
            FunctionHandler(kind: .event) { request, context in
                try await handler(try TypedInput.decode(Event<Payload>.self, from: request), context)
                return .noContent
            })
    }

    /// Refuses to start: the host stops with `reason` (say which setting is wrong and why), before
    /// it listens.
    public mutating func refuse(_ reason: String) {
        refusals.append(reason)
    }

    /// Reports a setting the bundle runs with, for `soko check-config`. Pass secrets through
    /// ``ReportedSetting/masked(_:)`` first: the report is printed.
    public mutating func report(_ name: String, _ value: String) {
        settings.append(ReportedSetting(name: name, value: value))
    }

    private mutating func add(_ name: String, _ handler: FunctionHandler) {
        if handlers[name] != nil { duplicates.append(name) }
        handlers[name] = handler
    }
}

/// A service bundle: registers its handlers by name in one place.
///
/// ```swift
/// public enum ExamplesBundle: FunctionBundle {
///     public static let service = "examples"
///     public static func register(_ registry: inout FunctionRegistry) {
///         registry.raw("hello", hello)
///         registry.typed("echo", echo)
///     }
/// }
/// ```
public protocol FunctionBundle: Sendable {
    /// The service name; matches `service:` in the bundle's manifest.
    static var service: String { get }
    static func register(_ registry: inout FunctionRegistry)
    /// The bundle's schema, version by version. A bundle with migrations gets a store (its own
    /// SQLite file or PostgreSQL schema), migrated before the host reports ready.
    static var migrations: [Migration] { get }
}

extension FunctionBundle {
    /// No migrations: the bundle keeps no data and gets no store.
    public static var migrations: [Migration] { [] }

    /// The bundle's handlers, registered with the given environment and compute threads.
    public static func registry(environment: [String: String] = [:], compute: ComputePool) -> FunctionRegistry {
        var registry = FunctionRegistry(service: service, environment: environment, compute: compute)
        register(&registry)
        return registry
    }
}
