import SokoFunctions
import SokoHTTP
import SokoManifest
import Synchronization

/// The host's side of the transport: routing at the end of the head, the built-in endpoints and
/// 404/405, then the ``InvocationPipeline`` for functions — the concurrency cap, deadline, metrics
/// and access log in a ``RequestExchange`` on the connection's loop, the other stages in the
/// handler's task, which prefers that loop's executor. Everything it holds is set at construction.
final class HostRequestHandler: HTTPRequestHandler, Sendable {
    let router: Router
    let pipeline: InvocationPipeline
    let readiness: Readiness
    /// Peers whose `X-Forwarded-For` is believed.
    let trustedProxies: TrustedProxies
    let defaultBodyLimit: Int
    /// Per-loop state, by loop index, and where access-log lines go (the services', held here for
    /// the hot path).
    let states: [LoopState]
    let sink: AccessLogSink
    /// Each function's access-log path rewriting (`log: { redact: [...] }`), by function index.
    private let redactions: [PathRedaction?]
    private let staticPlans: [RoutePlan]
    /// Each function's handler when it is answered on the loop (``answerSynchronously``), by index.
    private let synchronousHandlers: [SynchronousHandler?]
    /// The per-function parts of a context, by index, for the functions answered on the loop.
    private let sharedContexts: [FunctionContext.Shared?]
    /// Each function's timeout in nanoseconds, by index (the synchronous path's deadline check).
    private let timeoutNanoseconds: [UInt64]
    /// Where a path that matches no route must still hide a secret (see ``PathRedaction``).
    private let unroutedPrefixes: [String]

    init(
        router: Router, pipeline: InvocationPipeline, readiness: Readiness, trustedProxies: TrustedProxies,
        defaultBodyLimit: Int = ManifestDefaults.bodyLimit
    ) {
        self.router = router
        self.pipeline = pipeline
        self.readiness = readiness
        self.trustedProxies = trustedProxies
        self.defaultBodyLimit = defaultBodyLimit
        states = pipeline.services.states
        sink = pipeline.services.sink
        let functions = pipeline.services.functions
        staticPlans = functions.map { RoutePlan(.function($0, parameters: [:])) }
        synchronousHandlers = functions.map { function in
            guard pipeline.answersOnTheLoop(function), let run = function.handler.synchronous else { return nil }
            return SynchronousHandler(run: run)
        }
        redactions = functions.map { PathRedaction($0.manifest) }
        sharedContexts = functions.map { pipeline.answersOnTheLoop($0) ? pipeline.sharedContext(for: $0) : nil }
        timeoutNanoseconds = functions.map { function in
            let (seconds, attoseconds) = function.manifest.timeout.components
            return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        }
        unroutedPrefixes = PathRedaction.unroutedPrefixes(functions)
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
        // Held inline until something needs its text (a function's own call answers with it and
        // logs it without making a `String`).
        let id = RequestIDGenerator.accept(request.head.headers["X-Request-ID"]).map(RequestID.init) ?? state.requestIDs.nextID()
        let target = (plan.context as? RoutePlan)?.target ?? .notFound
        switch target {
        case .function(let function, let parameters):
            invoke(function, parameters: parameters, request: request, requestID: id, responder: responder, state: state)
        case .builtin(let endpoint):
            serveBuiltin(endpoint, request: request, requestID: id.string, responder: responder)
        case .methodNotAllowed(let allowed):
            let requestID = id.string
            let path = PathRedaction.unrouted(Substring(request.head.path), prefixes: unroutedPrefixes)
            let problem = Problem(
                status: 405, code: "method-not-allowed",
                detail: "\(request.head.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))")
            answerUnrouted(
                ProblemRendering.response(problem, requestID: requestID, headers: ["Allow": allowed.joined(separator: ", ")]),
                request: request, requestID: requestID, state: state, responder: responder)
        case .notFound:
            let requestID = id.string
            let path = PathRedaction.unrouted(Substring(request.head.path), prefixes: unroutedPrefixes)
            let problem = Problem(status: 404, code: "not-found", detail: "no function serves \(request.head.method) \(path)")
            answerUnrouted(
                ProblemRendering.response(problem, requestID: requestID),
                request: request, requestID: requestID, state: state, responder: responder)
        }
    }

    func response(for error: HTTPRequestError) -> HTTPResponse {
        // Called on the loop that read the bad request: its state gives the id and the log line.
        let state = states.first { $0.loop.inEventLoop }
        var generator = RequestIDGenerator()
        let requestID = state?.requestIDs.next() ?? generator.next()
        let response = ProblemRendering.response(for: error, requestID: requestID)
        state?.accessLog.append(
            .init(
                level: "info", service: "-", function: "-", method: "-", path: "-",
                status: response.status, durationMilliseconds: 0, requestID: RequestID(requestID),
                bytes: response.body.count), sink: sink)
        var headers = response.headers
        headers.set("X-Request-ID", requestID)
        return HTTPResponse(status: response.status, headers: headers, body: response.body)
    }

    // MARK: Functions

    /// A function's request. A synchronous handler is answered here, on the loop
    /// (``answerSynchronously``); otherwise the exchange takes the slot and arms the deadline on
    /// this loop, and the handler's task runs the pipeline's other stages.
    private func invoke(
        _ function: FunctionRuntime, parameters: [String: String], request: HTTPRequest,
        requestID: RequestID, responder: HTTPResponder, state: LoopState
    ) {
        // The monotonic start is read first, so the elapsed time is never shorter than the time
        // since `started`: an answer at or past `deadline` is always seen as late.
        let startedNanoseconds = MonotonicClock.nanoseconds()
        let started = ContinuousClock.now
        let deadline = started + function.manifest.timeout
        let path = redactions[function.index]?.redact(request.head.path) ?? request.head.path
        if let synchronous = synchronousHandlers[function.index] {
            let record = AnswerRecord(
                function: function, inlineRequestID: requestID, method: request.head.method, path: path,
                startedNanoseconds: startedNanoseconds, state: state, sink: sink)
            answerSynchronously(
                record, synchronous.run, request: functionRequest(request, parameters: parameters), deadline: deadline,
                responder: responder)
            return
        }
        let exchange = RequestExchange(
            function: function, requestID: requestID, method: request.head.method, path: path, started: started,
            deadline: deadline, responder: responder, state: state, sink: sink,
            deadlines: state.deadlineQueue(for: function), startedNanoseconds: startedNanoseconds)
        guard exchange.admit() else { return }
        let call = Invocation(
            function: function, trigger: .http,
            request: functionRequest(request, parameters: parameters), requestID: requestID.string, deadline: deadline)
        let pipeline = self.pipeline
        let loop = responder.loop
        exchange.task = Task(executorPreference: loop.executor) {
            let response = await pipeline.serve(call, deadline: deadline)
            loop.executeSoon {
                exchange.answer(response)
                exchange.finished()
            }
        }
    }

    /// Synchronous fast path: a handler that returns without suspending (``FunctionHandler/synchronous``)
    /// of a function with no awaited stage before it (see ``InvocationPipeline/answersOnTheLoop(_:)``)
    /// runs here, on the loop that read the request, with no task, no deadline entry and no
    /// exchange object (its ``AnswerRecord`` is on the stack). The stages are the task path's: the
    /// cap, the handler, a thrown error as problem+json, the deadline — the loop cannot interrupt
    /// a handler, so an answer later than the timeout is replaced by the 504 the alarm would have
    /// sent — then metrics and the log line.
    private func answerSynchronously(
        _ record: AnswerRecord,
        _ handler: @Sendable (FunctionRequest, FunctionContext) throws -> FunctionResponse,
        request: consuming FunctionRequest, deadline: ContinuousClock.Instant, responder: HTTPResponder
    ) {
        guard record.admit() else {
            record.answer(record.overCapacity, on: responder)
            return
        }
        let function = record.function
        var response: FunctionResponse
        do {
            // The context's request is the handler's without the body (as ``InvocationPipeline``
            // makes it); its per-function parts are shared, made at start. Without a body (a GET,
            // the usual call here) the two are the same value: the request is moved into the
            // context and the handler reads it from there, one request built and destroyed.
            if request.body.isEmpty {
                let context = FunctionContext(
                    inlineRequestID: record.inlineRequestID, deadline: deadline, identity: nil, request: request,
                    shared: sharedContexts[function.index]!)
                response = try handler(context.request, context)
            } else {
                let context = FunctionContext(
                    inlineRequestID: record.inlineRequestID, deadline: deadline, identity: nil,
                    request: FunctionRequest(
                        method: request.method, path: request.path, query: request.query, headers: request.headers,
                        pathParameters: request.pathParameters, clientAddress: request.clientAddress),
                    shared: sharedContexts[function.index]!)
                response = try handler(request, context)
            }
        } catch {
            response = ProblemRendering.response(for: error, requestID: record.requestID, logger: function.logger)
        }
        // The same test as `deadline <= .now`, on the record's cheaper clock.
        if record.elapsedNanoseconds() >= timeoutNanoseconds[function.index] {
            response = record.timedOut
        }
        record.answer(response, on: responder)
        record.finished()
    }

    /// The request a handler gets.
    private func functionRequest(_ request: HTTPRequest, parameters: [String: String]) -> FunctionRequest {
        FunctionRequest(
            method: request.head.method, path: String(request.head.path),
            query: QueryParameters(parsing: request.head.query), headers: request.head.headers,
            pathParameters: parameters, body: request.body, clientAddress: clientAddress(request.head))
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
                requestID: RequestID(requestID), bytes: response.body.count), sink: sink)
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
}

/// A function's synchronous handler, in a struct: a function value stored straight in an array
/// (an `Optional` element) is kept at the generic element's abstraction, and taking it out
/// allocated a reabstraction thunk's context on every request (and freed it after the call).
private struct SynchronousHandler {
    let run: @Sendable (FunctionRequest, FunctionContext) throws -> FunctionResponse
}

/// Why the host has no token keys to verify with.
enum KeySourceError: Error, CustomStringConvertible {
    case notCoLocated
    case fetch(url: String, status: Int)

    var description: String {
        switch self {
        case .notCoLocated:
            "the identity provider (the manifests' `identity:`) is not served by this process and SOKO_JWKS_URL is not set"
        case .fetch(let url, let status): "GET \(url) answered \(status)"
        }
    }
}
