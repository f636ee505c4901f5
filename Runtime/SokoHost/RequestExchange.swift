import SokoFunctions
import SokoHTTP

/// One function call in flight: races the handler's task against its deadline timer and
/// answers exactly once. Lives on the loop that read the request.
final class RequestExchange: @unchecked Sendable {
    let function: FunctionRuntime
    let requestID: String
    let method: String
    let path: Substring
    let started: ContinuousClock.Instant
    let responder: HTTPResponder
    let state: LoopState
    let sink: AccessLogSink
    var timer: LoopTimer?
    var task: Task<Void, Never>?
    private var answered = false

    init(
        function: FunctionRuntime, requestID: String, method: String, path: Substring,
        started: ContinuousClock.Instant, responder: HTTPResponder, state: LoopState, sink: AccessLogSink
    ) {
        self.function = function
        self.requestID = requestID
        self.method = method
        self.path = path
        self.started = started
        self.responder = responder
        self.state = state
        self.sink = sink
    }

    /// Answers, unless already answered (the deadline and the handler race). Loop thread only.
    func answer(_ response: FunctionResponse) {
        guard !answered else { return }
        answered = true
        timer?.cancel()
        timer = nil
        let seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        state.counters[function.index].observe(status: response.status, seconds: seconds)
        state.accessLog.append(
            .init(
                level: response.status >= 500 ? "error" : "info", service: function.service,
                function: function.name, method: method, path: path, status: response.status,
                durationMilliseconds: seconds * 1000, requestID: requestID,
                bytes: response.body.count), sink: sink)
        var headers = response.headers
        headers.set("X-Request-ID", requestID)
        responder.respond(HTTPResponse(status: response.status, headers: headers, body: response.body))
    }

    /// The deadline passed: 504 now, and the handler is asked to stop.
    func expire() {
        guard !answered else { return }
        let timeout = function.manifest.timeout
        answer(
            ProblemRendering.response(
                Problem(status: 504, code: "timeout", detail: "\(function.name) did not finish within \(timeout)"),
                requestID: requestID))
        task?.cancel()
    }

    /// The handler's task ended (answered or not): its slot and gauge are given back.
    func finished() {
        task = nil
        state.counters[function.index].inFlight -= 1
        function.release()
    }
}
