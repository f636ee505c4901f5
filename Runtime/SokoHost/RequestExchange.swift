import SokoFunctions
import SokoHTTP

/// How a function call is answered, whichever path ran its handler: the metrics, the
/// access-log line and the response with its `X-Request-ID`. A value on the stack of the loop
/// that read the request; loop thread only.
struct CallAnswer {
    let function: FunctionRuntime
    let requestID: String
    let method: String
    let path: Substring
    let started: ContinuousClock.Instant
    let responder: HTTPResponder
    let state: LoopState
    let sink: AccessLogSink

    /// Records and sends `response`.
    func send(_ response: consuming FunctionResponse) {
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        state.counters[function.index].observe(status: response.status, seconds: seconds)
        if case .discard = sink, state.accessLog.loki == nil {
        } else {
            state.accessLog.append(
                .init(
                    level: response.status >= 500 ? "error" : "info", service: function.service,
                    function: function.name, method: method, path: path, status: response.status,
                    durationMilliseconds: seconds * 1000, requestID: requestID, bytes: response.body.count),
                sink: sink)
        }
        var answer = response
        if answer.headers.contains("X-Request-ID") { answer.headers.remove("X-Request-ID") }
        answer.headers.add("X-Request-ID", requestID)
        responder.respond(HTTPResponse(status: answer.status, headers: answer.headers, body: answer.body))
    }

    /// The 504 of a call that did not finish within the function's timeout.
    var timeout: FunctionResponse {
        ProblemRendering.response(
            Problem(
                status: 504, code: "timeout", detail: "\(function.name) did not finish within \(function.manifest.timeout)"),
            requestID: requestID)
    }

    /// The 503 of a function at its concurrency cap.
    var overCapacity: FunctionResponse {
        ProblemRendering.response(
            Problem(
                status: 503, code: "over-capacity",
                detail: "\(function.name) is at its concurrency limit of \(function.manifest.concurrency); retry shortly"),
            requestID: requestID, headers: ["Retry-After": "1"])
    }
}

/// One function call in flight on a task: races the handler's task against its deadline timer
/// and answers exactly once. Lives on the loop that read the request.
final class RequestExchange: @unchecked Sendable {
    let call: CallAnswer
    let deadline: ContinuousClock.Instant
    var task: Task<Void, Never>?
    private(set) var isAnswered = false
    private let deadlines: DeadlineQueue

    init(_ call: CallAnswer, deadlines: DeadlineQueue) {
        self.call = call
        self.deadline = call.started + call.function.manifest.timeout
        self.deadlines = deadlines
    }

    /// Answers, unless already answered (the deadline and the handler race). Loop thread only.
    func answer(_ response: consuming FunctionResponse) {
        guard !isAnswered else { return }
        isAnswered = true
        call.send(response)
        deadlines.settle()
    }

    /// The deadline passed: 504 now, and the handler is asked to stop.
    func expire() {
        guard !isAnswered else { return }
        answer(call.timeout)
        task?.cancel()
    }

    /// The handler's task ended (answered or not): its slot and gauge are given back.
    func finished() {
        task = nil
        call.state.counters[call.function.index].inFlight -= 1
        call.function.release()
    }
}
