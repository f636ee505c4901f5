import Glibc
import SokoFunctions
import SokoHTTP

/// One handler run in flight, for any trigger: takes the function's concurrency slot, races the
/// handler's task against its deadline, answers exactly once, and counts and logs the answer.
/// Lives on one loop, and is touched only on that loop's thread.
final class RequestExchange: @unchecked Sendable {
    let function: FunctionRuntime
    /// The id as held (a generated one is two numbers until written); ``requestID`` as a `String`.
    let inlineRequestID: RequestID
    var requestID: String { inlineRequestID.string }
    /// The HTTP method, or the trigger's name.
    let method: String
    let path: Substring
    let started: ContinuousClock.Instant
    /// `started` on the monotonic clock in nanoseconds: the answer's duration is one clock read
    /// and a subtraction (`Duration` arithmetic is 128-bit: ~400 instructions a request).
    private let startedNanoseconds: UInt64
    let deadline: ContinuousClock.Instant
    /// Where the answer goes: back on the connection (HTTP), or to the task that asked
    /// (``InvocationPipeline/run(_:)``); exactly one is set. Two optionals rather than an enum: an
    /// HTTP answer reads its responder in place, where a `switch` over a multi-payload enum copied
    /// it out and destroyed the copy (~230 instructions a request), and making the enum only to
    /// take it apart again cost another ~80.
    private let responder: HTTPResponder?
    private let caller: CheckedContinuation<FunctionResponse, Never>?
    let state: LoopState
    let sink: AccessLogSink
    var task: Task<Void, Never>?
    /// The deadline's timer, when the exchange has one of its own (``LoopState/arm(_:)``; HTTP
    /// calls share their function's ``DeadlineQueue`` instead).
    var timer: LoopTimer?
    private(set) var isAnswered = false
    private let deadlines: DeadlineQueue?

    init(
        function: FunctionRuntime, requestID: RequestID, method: String, path: Substring, started: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant, responder: HTTPResponder? = nil,
        caller: CheckedContinuation<FunctionResponse, Never>? = nil, state: LoopState, sink: AccessLogSink,
        deadlines: DeadlineQueue? = nil, startedNanoseconds: UInt64 = MonotonicClock.nanoseconds()
    ) {
        self.function = function
        self.inlineRequestID = requestID
        self.method = method
        self.path = path
        self.started = started
        self.startedNanoseconds = startedNanoseconds
        self.deadline = deadline
        precondition((responder == nil) != (caller == nil), "an exchange answers exactly one of a responder or a caller")
        self.responder = responder
        self.caller = caller
        self.state = state
        self.sink = sink
        self.deadlines = deadlines
    }

    /// Takes an in-flight slot, or answers 503 `over-capacity` at the function's concurrency cap.
    func admit() -> Bool {
        guard function.acquire() else {
            let problem = Problem(
                status: 503, code: "over-capacity",
                detail: "\(function.name) is at its concurrency limit of \(function.manifest.concurrency); retry shortly")
            answer(ProblemRendering.response(problem, requestID: requestID, headers: ["Retry-After": "1"]))
            return false
        }
        state.counters[function.index].inFlight += 1
        deadlines?.add(self)
        return true
    }

    /// Answers, unless already answered (the deadline and the handler race).
    func answer(_ response: consuming FunctionResponse) {
        guard !isAnswered else { return }
        isAnswered = true
        let seconds = Double(elapsedNanoseconds()) / 1e9
        state.counters[function.index].observe(status: response.status, seconds: seconds)
        if case .discard = sink, state.accessLog.loki == nil {
        } else {
            logLine(status: response.status, bytes: response.body.count, seconds: seconds)
        }
        if responder != nil {
            // The id goes beside the handler's headers (often a list shared by every response of
            // its kind), not into them: no copy of the list per request.
            let answer = response
            responder!.respond(
                HTTPResponse(
                    status: answer.status, headers: answer.headers, body: answer.body,
                    inlineRequestID: inlineRequestID))
            deadlines?.settle()
        } else {
            state.disarm(self)
            caller!.resume(returning: response)
        }
    }

    /// Nanoseconds since the exchange was made.
    func elapsedNanoseconds() -> UInt64 {
        MonotonicClock.nanoseconds() &- startedNanoseconds
    }

    private func logLine(status: Int, bytes: Int, seconds: Double) {
        state.accessLog.append(
            .init(
                level: status >= 500 ? "error" : "info", service: function.service, function: function.name,
                method: method, path: path, status: status, durationMilliseconds: seconds * 1000,
                requestID: inlineRequestID, bytes: bytes,
                fields: status >= 500 ? function.logFields.error : function.logFields.info), sink: sink)
    }

    /// The deadline passed: 504 now, and the handler is asked to stop.
    func expire() {
        guard !isAnswered else { return }
        answer(
            ProblemRendering.response(
                Problem(status: 504, code: "timeout", detail: "\(function.name) did not finish in time"),
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

/// `CLOCK_MONOTONIC` in nanoseconds (a vDSO read, no system call).
enum MonotonicClock {
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
