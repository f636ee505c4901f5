import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoOutbound
import SokoStore

/// The one way a function's handler runs, whatever triggered it: HTTP, `context.invoke`, an event,
/// a schedule, the host's own calls. Its stages, in order:
///
/// 1. identity — the bearer token's caller (HTTP), the calling service (invoke, event), none
///    (schedule, host): ``identity(for:)``;
/// 2. policy — the manifest's `auth:` and `scopes:`, 401/403 (also ``identity(for:)``);
/// 3. limits — the `concurrency` cap (503 `over-capacity`, ``RequestExchange/admit()``) and, for
///    outside (HTTP) callers, `rateLimit:` (429, ``admit(_:identity:)``);
/// 4. deadline — the nearer of the caller's deadline and the manifest's `timeout`: there the
///    caller gets 504 and the handler's task is cancelled (``RequestExchange/expire()``), and the
///    caller does not wait for a handler that overruns;
/// 5. handler — ``runHandler(_:identity:deadline:)``, the one place a run's ``FunctionContext`` is made;
/// 6. problem — anything thrown becomes the same `application/problem+json` with the request id
///    (``serve(_:deadline:)``);
/// 7. metrics and log — the function's counters and one access-log line per run
///    (``RequestExchange/answer(_:)``).
///
/// The HTTP transport (``HostRequestHandler``) keeps the cap, deadline and metrics in its
/// per-request exchange on the connection's loop and calls ``serve(_:deadline:)``; every other
/// trigger calls ``run(_:)``, which wraps the same exchange around it. The pipeline is also the
/// ``FunctionInvoker`` its contexts get: a callee served here runs through it, any other goes
/// through ``RemoteInvoker``.
final class InvocationPipeline: FunctionInvoker, Sendable {
    let services: HostServices
    /// The functions served here, by `service.function`.
    let local: [String: FunctionRuntime]

    init(services: HostServices) {
        self.services = services
        local = Dictionary(
            services.functions.map { ("\($0.service).\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Triggers

    func invoke(
        service: String, function: String, body: [UInt8], idempotent: Bool, caller: FunctionContext
    ) async throws -> FunctionResponse {
        let key = "\(service).\(function)"
        guard let runtime = local[key] else {
            return try await services.remote.invoke(
                service: service, function: function, body: body, idempotent: idempotent, requestID: caller.requestID,
                deadline: caller.deadline, local: self)
        }
        let route = services.remote.targets[key]?.route
        let request = FunctionRequest(
            method: route?.method ?? "POST", path: route?.path ?? "/", headers: Self.jsonHeaders(caller.requestID), body: body)
        return await run(
            Invocation(
                function: runtime, trigger: .invoke, request: request, requestID: caller.requestID,
                callingService: caller.service, deadline: caller.deadline))
    }

    /// Delivers an event envelope from `source`'s relay to `consumer` (`service.function`):
    /// through the pipeline when it is served here, else over HTTP. Returns the status.
    func deliver(
        envelope: [UInt8], from source: String, to consumer: String, requestID: String, timeout: Duration
    ) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        guard let runtime = local[consumer] else {
            return try await services.remote.deliver(
                envelope: envelope, to: consumer, requestID: requestID, deadline: deadline, local: self)
        }
        let request = FunctionRequest(
            method: "POST", path: EventRoutes.path(runtime.service, runtime.name), headers: Self.jsonHeaders(requestID),
            body: envelope)
        return await run(
            Invocation(
                function: runtime, trigger: .event, request: request, requestID: requestID, callingService: source,
                deadline: deadline)
        ).status
    }

    /// The host's own call to `service.function` (the identity provider's JWKS or token endpoint):
    /// no caller, no policy. Nil when that function is not served here.
    func callInProcess(
        service: String, function name: String, method: String, path: String, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) async throws -> FunctionResponse? {
        guard let function = local["\(service).\(name)"] else { return nil }
        var generator = RequestIDGenerator()
        return await run(
            Invocation(
                function: function, trigger: .host,
                request: FunctionRequest(method: method, path: path, headers: headers, body: body),
                requestID: generator.next(),
                deadline: .now + function.manifest.timeout))
    }

    /// Every stage, for a trigger other than HTTP, on the loop the caller runs on (else the first):
    /// the cap, then ``serve(_:deadline:)`` in a task of its own raced against the deadline, then
    /// metrics and the log line. Returns the handler's response or the 503/504 problem.
    func run(_ call: Invocation) async -> FunctionResponse {
        let state = services.states.first { $0.loop.inEventLoop } ?? services.states[0]
        let loop = state.loop
        let deadline = min(call.deadline, .now + call.function.manifest.timeout)
        let sink = services.sink
        return await withCheckedContinuation { continuation in
            loop.execute { [self] in
                let exchange = RequestExchange(
                    function: call.function, requestID: RequestID(call.requestID), method: call.trigger.rawValue,
                    path: Substring(call.request.path), started: .now, deadline: deadline, caller: continuation,
                    state: state, sink: sink)
                guard exchange.admit() else { return }
                state.arm(exchange)
                exchange.task = Task(executorPreference: loop.executor) {
                    let response = await self.serve(call, deadline: deadline)
                    loop.executeSoon {
                        exchange.answer(response)
                        exchange.finished()
                    }
                }
            }
        }
    }

    // MARK: Stages

    /// Identity, then policy, then (HTTP) the rate limit, then the handler; anything thrown
    /// becomes its problem response. The cap, the deadline and the metrics are the caller's (the
    /// exchange's).
    func serve(_ call: Invocation, deadline: ContinuousClock.Instant) async -> FunctionResponse {
        do {
            let identity = try await identity(for: call)
            try await admit(call, identity: identity)
            return try await runHandler(call, identity: identity, deadline: deadline)
        } catch {
            return ProblemRendering.response(for: error, requestID: call.requestID, logger: call.function.logger)
        }
    }

    /// Who calls, checked against the function's `auth:` and `scopes:` (401/403 problems).
    func identity(for call: Invocation) async throws -> CallerIdentity? {
        let function = call.function
        switch call.trigger {
        case .http:
            // Public functions skip verification entirely.
            guard function.policy != .public && function.policy != .webhook else { return nil }
            return try await services.authenticator.identity(
                for: call.request, policy: function.policy, scopes: function.manifest.scopes, keysVia: self)
        case .invoke, .event:
            let service = call.callingService ?? "soko"
            let identity = CallerIdentity(subject: service, clientID: service, roles: ["service"], isService: true)
            try Authenticator.check(identity, policy: function.policy, scopes: function.manifest.scopes)
            return identity
        case .schedule, .host:
            return nil
        }
    }

    /// The function's `rateLimit:` for outside callers (HTTP), counted per caller (429 problem).
    /// Calls between services and the host's own are not counted.
    func admit(_ call: Invocation, identity: CallerIdentity?) async throws {
        guard call.trigger == .http, let limiter = services.rateLimiters[call.function.index] else { return }
        try await limiter.check(
            caller: RateLimiter.caller(subject: identity?.subject, clientAddress: call.request.clientAddress),
            store: services.functionStores[call.function.index], logger: call.function.logger)
    }

    /// Whether an HTTP call of `function` has no awaited stage before its handler — `public` or
    /// `webhook` auth (no token to verify) and no `rateLimit:` (its counters may live in the store) —
    /// so a synchronous handler can answer on the loop (``HostRequestHandler``'s fast path).
    func answersOnTheLoop(_ function: FunctionRuntime) -> Bool {
        (function.policy == .public || function.policy == .webhook) && services.rateLimiters[function.index] == nil
    }

    /// The context of `call`'s handler: its function's store, this pipeline as the invoker.
    func context(for call: Invocation, identity: CallerIdentity?, deadline: ContinuousClock.Instant) -> FunctionContext {
        context(for: call.function, request: call.request, requestID: call.requestID, identity: identity, deadline: deadline)
    }

    /// The same, from the parts of a call (the synchronous path builds no ``Invocation``).
    func context(
        for function: FunctionRuntime, request: FunctionRequest, requestID: String, identity: CallerIdentity?,
        deadline: ContinuousClock.Instant
    ) -> FunctionContext {
        Self.context(
            for: function, request: request, requestID: requestID, identity: identity, deadline: deadline,
            store: services.functionStores[function.index], invoker: self, outbound: services.outbound, clock: services.clock)
    }

    /// Runs the handler with its context. The seam for a fast path: a handler that returns
    /// without suspending needs nothing else from the pipeline.
    func runHandler(
        _ call: Invocation, identity: CallerIdentity?, deadline: ContinuousClock.Instant
    ) async throws -> FunctionResponse {
        try await call.function.handler(call.request, context: context(for: call, identity: identity, deadline: deadline))
    }

    /// The one place a ``FunctionContext`` is made (its request without the body, which the
    /// handler gets on its own).
    static func context(
        for call: Invocation, identity: CallerIdentity?, deadline: ContinuousClock.Instant, store: Store,
        invoker: (any FunctionInvoker)?, outbound: OutboundClient?, clock: WallClock
    ) -> FunctionContext {
        context(
            for: call.function, request: call.request, requestID: call.requestID, identity: identity, deadline: deadline,
            store: store, invoker: invoker, outbound: outbound, clock: clock)
    }

    static func context(
        for function: FunctionRuntime, request: FunctionRequest, requestID: String, identity: CallerIdentity?,
        deadline: ContinuousClock.Instant, store: Store, invoker: (any FunctionInvoker)?, outbound: OutboundClient?,
        clock: WallClock
    ) -> FunctionContext {
        FunctionContext(
            requestID: requestID, deadline: deadline, identity: identity, service: function.service,
            function: function.name,
            request: FunctionRequest(
                method: request.method, path: request.path, query: request.query, headers: request.headers,
                pathParameters: request.pathParameters, clientAddress: request.clientAddress),
            store: store, invoker: invoker, outgoing: outbound, mailer: outbound, clock: clock,
            logger: function.logger)
    }

    /// The parts of `function`'s contexts that every call shares (made once, for the synchronous
    /// path: see ``FunctionContext/Shared``).
    func sharedContext(for function: FunctionRuntime) -> FunctionContext.Shared {
        FunctionContext.Shared(
            service: function.service, function: function.name, store: services.functionStores[function.index],
            invoker: self, outgoing: services.outbound, mailer: services.outbound, clock: services.clock,
            logger: function.logger)
    }

    static func jsonHeaders(_ requestID: String) -> HTTPHeaders {
        ["Content-Type": "application/json", "X-Request-ID": requestID]
    }
}
