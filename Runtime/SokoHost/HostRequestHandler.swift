import SokoFunctions
import SokoHTTP
import SokoManifest
import Synchronization

/// The host's side of the transport: routing at the end of the head, then the middleware
/// (request id, built-in endpoints, 404/405, concurrency cap, deadline, metrics, access log)
/// around the handler, whose task prefers the connection's loop executor.
final class HostRequestHandler: HTTPRequestHandler, @unchecked Sendable {
    let router: Router
    let functions: [FunctionRuntime]
    let sink: AccessLogSink
    let defaultBodyLimit: Int
    let ready = Atomic<Bool>(false)
    /// Set once before the server starts; read on the loops afterwards.
    var stores = ServiceStores.none {
        didSet { functionStores = functions.map { stores.store(for: $0.service) } }
    }
    /// Each function's store, by function index (looked up once, not per request).
    private(set) var functionStores: [Store] = []
    /// The optional direct log push to Loki (set once, by the host, before serving).
    var loki: LokiShipper?
    /// Function invocation for handlers (set once, by the host, before serving).
    var invoker: (any FunctionInvoker)?
    /// Outgoing HTTP and mail for handlers (set by the host once its loops run, before serving).
    var outgoing: (any OutgoingHTTP)?
    var mailer: (any MailTransport)?
    /// Peers whose `X-Forwarded-For` is believed.
    var trustedProxies = TrustedProxies(networks: [])
    /// Set once, by the host, before the server starts.
    var authenticator = Authenticator(issuer: "", audience: "") { throw KeySourceError.none }
    /// Each function's `rateLimit:` counter, by function index (set once, by the host, before serving).
    var rateLimiters: [RateLimiter?] = []
    /// Each function's access-log path rewriting (`log: { redact: [...] }`), by function index.
    private let redactions: [PathRedaction?]
    private let staticPlans: [RoutePlan]
    private(set) var states: [LoopState] = []
    private(set) var loops: [EventLoop] = []

    init(router: Router, functions: [FunctionRuntime], sink: AccessLogSink, defaultBodyLimit: Int = ManifestDefaults.bodyLimit) {
        self.router = router
        self.functions = functions
        self.sink = sink
        self.defaultBodyLimit = defaultBodyLimit
        staticPlans = functions.map { RoutePlan(.function($0, parameters: [:])) }
        functionStores = functions.map { _ in NoStore() }
        redactions = functions.map { PathRedaction($0.manifest) }
        unroutedPrefixes = PathRedaction.unroutedPrefixes(functions)
    }

    /// Where a path that matches no route must still hide a secret (see ``PathRedaction``).
    private let unroutedPrefixes: [String]

    /// Creates per-loop state and its flush hook. Call once, before serving, with the loops started.
    func attach(to group: EventLoopGroup) async {
        loops = group.loops
        states = group.loops.map { LoopState(loop: $0, functionCount: functions.count) }
        for state in states { state.accessLog.loki = loki }
        for (loop, state) in zip(group.loops, states) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    loop.onEachIteration { state.accessLog.flush() }
                    continuation.resume()
                }
            }
        }
    }

    /// Closes the per-loop handles (deadline alarms) so the loops can close. Call after the drain.
    func detach() async {
        for (loop, state) in zip(loops, states) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    state.close()
                    continuation.resume()
                }
            }
        }
    }

    // MARK: HTTPRequestHandler

    func plan(for head: HTTPRequestHead) -> HTTPRequestPlan {
        let path = head.path
        if let builtin = BuiltinEndpoint.match(path) {
            return HTTPRequestPlan(bodyLimit: defaultBodyLimit, context: RoutePlan(.builtin(builtin)))
        }
        switch router.match(method: head.method, path: path) {
        case .found(let function, let parameters):
            // Routes without parameters share one plan object per function (no allocation).
            let route = parameters.isEmpty ? staticPlans[function.index] : RoutePlan(.function(function, parameters: parameters))
            return HTTPRequestPlan(bodyLimit: function.manifest.bodyLimit, context: route)
        case .methodNotAllowed(let allowed):
            return HTTPRequestPlan(bodyLimit: defaultBodyLimit, context: RoutePlan(.methodNotAllowed(allowed: allowed)))
        case .notFound:
            return HTTPRequestPlan(bodyLimit: defaultBodyLimit, context: RoutePlan(.notFound))
        }
    }

    func handle(_ request: HTTPRequest, plan: HTTPRequestPlan, responder: HTTPResponder) {
        let state = states[responder.loop.index]
        let requestID = RequestIDGenerator.accept(request.head.headers["X-Request-ID"]) ?? state.requestIDs.next()
        let target = (plan.context as? RoutePlan)?.target ?? .notFound
        switch target {
        case .function(let function, let parameters):
            invoke(
                function, parameters: parameters, request: request, requestID: requestID,
                responder: responder, state: state)
        case .builtin(let endpoint):
            serveBuiltin(endpoint, request: request, requestID: requestID, responder: responder)
        case .methodNotAllowed(let allowed):
            let path = PathRedaction.unrouted(Substring(request.head.path), prefixes: unroutedPrefixes)
            let problem = Problem(
                status: 405, code: "method-not-allowed",
                detail: "\(request.head.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))")
            answerUnrouted(
                ProblemRendering.response(problem, requestID: requestID, headers: ["Allow": allowed.joined(separator: ", ")]),
                request: request, requestID: requestID, state: state, responder: responder)
        case .notFound:
            let path = PathRedaction.unrouted(Substring(request.head.path), prefixes: unroutedPrefixes)
            let problem = Problem(status: 404, code: "not-found", detail: "no function serves \(request.head.method) \(path)")
            answerUnrouted(
                ProblemRendering.response(problem, requestID: requestID),
                request: request, requestID: requestID, state: state, responder: responder)
        }
    }

    func response(for error: HTTPRequestError) -> HTTPResponse {
        // Called on the loop that read the bad request: its state gives the id and the log line.
        let state = loops.firstIndex { $0.inEventLoop }.map { states[$0] }
        var generator = RequestIDGenerator()
        let requestID = state?.requestIDs.next() ?? generator.next()
        let response = ProblemRendering.response(for: error, requestID: requestID)
        state?.accessLog.append(
            .init(
                level: "info", service: "-", function: "-", method: "-", path: "-",
                status: response.status, durationMilliseconds: 0, requestID: requestID,
                bytes: response.body.count), sink: sink)
        var headers = response.headers
        headers.set("X-Request-ID", requestID)
        return HTTPResponse(status: response.status, headers: headers, body: response.body)
    }

    // MARK: Functions

    private func invoke(
        _ function: FunctionRuntime, parameters: [String: String], request: HTTPRequest,
        requestID: String, responder: HTTPResponder, state: LoopState
    ) {
        let call = CallAnswer(
            function: function, requestID: requestID, method: request.head.method,
            path: redactions[function.index]?.redact(request.head.path) ?? request.head.path,
            started: .now, responder: responder, state: state, sink: sink)
        // Synchronous fast path: no task for a handler that returns without suspending.
        if answerSynchronously(call, parameters: parameters, request: request) { return }
        guard function.acquire() else {
            call.send(call.overCapacity)
            return
        }
        state.counters[function.index].inFlight += 1
        let functionRequest = self.functionRequest(request, parameters: parameters)
        let store = functionStores[function.index]
        let authenticator = self.authenticator
        let policy = function.policy
        let rateLimiter = self.rateLimiter(for: function)
        let loop = responder.loop
        let deadlines = state.deadlineQueue(for: function)
        let exchange = RequestExchange(call, deadlines: deadlines)
        deadlines.add(exchange)
        exchange.task = Task(executorPreference: loop.executor) {
            let response: FunctionResponse
            do {
                // The auth policy runs before the handler (public functions skip it entirely).
                let identity =
                    policy == .public || policy == .webhook
                    ? nil
                    : try await authenticator.identity(
                        for: functionRequest, policy: policy, scopes: function.manifest.scopes)
                if let rateLimiter {
                    try await rateLimiter.check(
                        caller: RateLimiter.caller(subject: identity?.subject, clientAddress: functionRequest.clientAddress),
                        store: store, logger: function.logger)
                }
                let context = self.context(for: call, request: functionRequest, identity: identity)
                response = try await function.handler(functionRequest, context: context)
            } catch {
                response = ProblemRendering.response(for: error, requestID: call.requestID, logger: function.logger)
            }
            loop.executeSoon {
                exchange.answer(response)
                exchange.finished()
            }
        }
    }

    /// Synchronous fast path. A handler with a synchronous form (``FunctionHandler/synchronous``)
    /// whose function has no awaited stage before it — `public` or `webhook` auth (no token to
    /// verify; a verified-token cache would still need the awaited key source on a miss) and no
    /// `rateLimit:` (its counters may live in the store) — runs here, on the loop that read the
    /// request: no task, no ``RequestExchange``, no deadline entry, no hop back to the loop.
    ///
    /// The stages are the task path's, in its order: the concurrency cap (503), the handler, a
    /// thrown error as problem+json, the deadline — the loop cannot interrupt a handler, so an
    /// answer later than the function's timeout is replaced by the 504 the alarm sends on the task
    /// path — then metrics and the access log (``CallAnswer/send(_:)``). The in-flight gauge is not
    /// touched: the call starts and ends within one turn of the loop, and the scrape reads the
    /// gauge on the loop. Returns false, having done nothing, when the call does not qualify.
    private func answerSynchronously(_ call: CallAnswer, parameters: [String: String], request: HTTPRequest) -> Bool {
        let function = call.function
        guard let handler = function.handler.synchronous, function.policy == .public || function.policy == .webhook,
            rateLimiter(for: function) == nil
        else { return false }
        guard function.acquire() else {
            call.send(call.overCapacity)
            return true
        }
        defer { function.release() }
        let functionRequest = self.functionRequest(request, parameters: parameters)
        var response: FunctionResponse
        do {
            response = try handler(functionRequest, context(for: call, request: functionRequest, identity: nil))
        } catch {
            response = ProblemRendering.response(for: error, requestID: call.requestID, logger: function.logger)
        }
        if call.started + function.manifest.timeout <= .now { response = call.timeout }
        call.send(response)
        return true
    }

    /// The request a handler gets.
    private func functionRequest(_ request: HTTPRequest, parameters: [String: String]) -> FunctionRequest {
        let head = request.head
        return FunctionRequest(
            method: head.method, path: String(head.path), query: QueryParameters(parsing: head.query),
            headers: head.headers, pathParameters: parameters, body: request.body, clientAddress: clientAddress(head))
    }

    /// The context a handler gets: the request without its body, the function's store and the
    /// host's invoker, outgoing HTTP and mail.
    private func context(for call: CallAnswer, request: FunctionRequest, identity: CallerIdentity?) -> FunctionContext {
        let function = call.function
        return FunctionContext(
            requestID: call.requestID, deadline: call.started + function.manifest.timeout, identity: identity,
            service: function.service, function: function.name,
            request: FunctionRequest(
                method: request.method, path: request.path, query: request.query, headers: request.headers,
                pathParameters: request.pathParameters, clientAddress: request.clientAddress),
            store: functionStores[function.index], invoker: invoker, outgoing: outgoing, mailer: mailer,
            logger: function.logger)
    }

    /// The function's `rateLimit:` counter, if it has one.
    private func rateLimiter(for function: FunctionRuntime) -> RateLimiter? {
        function.index < rateLimiters.count ? rateLimiters[function.index] : nil
    }

    private func answerUnrouted(
        _ response: FunctionResponse, request: HTTPRequest, requestID: String,
        state: LoopState, responder: HTTPResponder
    ) {
        state.accessLog.append(
            .init(
                level: "info", service: "-", function: "-", method: request.head.method,
                path: PathRedaction.unrouted(Substring(request.head.path), prefixes: unroutedPrefixes),
                status: response.status, durationMilliseconds: 0,
                requestID: requestID, bytes: response.body.count), sink: sink)
        var headers = response.headers
        headers.set("X-Request-ID", requestID)
        responder.respond(HTTPResponse(status: response.status, headers: headers, body: response.body))
    }

    /// The client's address: the peer, or the right-most `X-Forwarded-For` entry (the one the
    /// trusted proxy appended) when the peer is a trusted proxy.
    func clientAddress(_ head: HTTPRequestHead) -> String {
        guard let forwarded = head.headers["X-Forwarded-For"], trustedProxies.contains(head.remoteAddress),
            let last = forwarded.split(separator: ",").last
        else { return head.remoteAddress }
        let address = last.trimmingPrefix(" ")
        return address.isEmpty ? head.remoteAddress : String(address)
    }

    /// Calls a function of a co-located bundle in-process, with its own store and no caller
    /// (how the host reads the Users bundle's JWKS). Nil when that function is not loaded here.
    func invokeInProcess(
        service: String, function name: String, method: String, path: String, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) async throws -> FunctionResponse? {
        guard let function = functions.first(where: { $0.service == service && $0.name == name }) else { return nil }
        var generator = RequestIDGenerator()
        let request = FunctionRequest(method: method, path: path, headers: headers, body: body)
        let context = FunctionContext(
            requestID: generator.next(), deadline: .now + function.manifest.timeout, service: service, function: name,
            request: request, store: store(for: function), invoker: invoker, outgoing: outgoing, mailer: mailer,
            logger: function.logger)
        return try await function.handler(request, context: context)
    }

    /// The store a function's handler gets.
    func store(for function: FunctionRuntime) -> Store {
        function.index < functionStores.count ? functionStores[function.index] : stores.store(for: function.service)
    }
}

/// Why the host has no token keys to verify with.
enum KeySourceError: Error, CustomStringConvertible {
    case none
    case notCoLocated
    case fetch(url: String, status: Int)

    var description: String {
        switch self {
        case .none: "no key source configured"
        case .notCoLocated:
            "the identity provider (the manifests' `identity:`) is not served by this process and SOKO_JWKS_URL is not set"
        case .fetch(let url, let status): "GET \(url) answered \(status)"
        }
    }
}
