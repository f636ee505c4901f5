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
    let deadline: ContinuousClock.Instant
    var task: Task<Void, Never>?
    private(set) var isAnswered = false
    private let deadlines: DeadlineQueue

    init(
        function: FunctionRuntime, requestID: String, method: String, path: Substring,
        started: ContinuousClock.Instant, responder: HTTPResponder, state: LoopState, sink: AccessLogSink,
        deadlines: DeadlineQueue
    ) {
        self.function = function
        self.requestID = requestID
        self.method = method
        self.path = path
        self.started = started
        self.responder = responder
        self.state = state
        self.sink = sink
        self.deadline = started + function.manifest.timeout
        self.deadlines = deadlines
    }

    /// Answers, unless already answered (the deadline and the handler race). Loop thread only.
    func answer(_ response: consuming FunctionResponse) {
        guard !isAnswered else { return }
        isAnswered = true
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        state.counters[function.index].observe(status: response.status, seconds: seconds)
        if case .discard = sink, state.accessLog.loki == nil {
        } else {
            logLine(status: response.status, bytes: response.body.count, seconds: seconds)
        }
        var answer = response
        if answer.headers.contains("X-Request-ID") { answer.headers.remove("X-Request-ID") }
        answer.headers.add("X-Request-ID", requestID)
        responder.respond(HTTPResponse(status: answer.status, headers: answer.headers, body: answer.body))
        deadlines.settle()
    }

    private func logLine(status: Int, bytes: Int, seconds: Double) {
        state.accessLog.append(
            .init(
                level: status >= 500 ? "error" : "info", service: function.service, function: function.name,
                method: method, path: path, status: status, durationMilliseconds: seconds * 1000,
                requestID: requestID, bytes: bytes), sink: sink)
    }

    /// The deadline passed: 504 now, and the handler is asked to stop.
    func expire() {
        guard !isAnswered else { return }
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
