import Glibc
import SokoFunctions
import SokoHTTP

/// What every answer of a function's run does, whoever answers it: takes and gives back the
/// function's concurrency slot, counts the answer and writes its access-log line.
///
/// A value, so the synchronous path (``HostRequestHandler``) keeps it on the stack: an exchange
/// object per request cost an allocation, its fields' retains and a deinit releasing them
/// (~750 instructions a request).
struct AnswerRecord {
    let function: FunctionRuntime
    /// The id as held (a generated one is two numbers until written); ``requestID`` as a `String`.
    let inlineRequestID: RequestID
    var requestID: String { inlineRequestID.string }
    /// The HTTP method, or the trigger's name.
    let method: String
    let path: Substring
    /// The start on the monotonic clock in nanoseconds: the answer's duration is one clock read
    /// and a subtraction (`Duration` arithmetic is 128-bit: ~400 instructions a request).
    let startedNanoseconds: UInt64
    let state: LoopState
    let sink: AccessLogSink

    /// Takes an in-flight slot; false at the function's concurrency cap (answer ``overCapacity``).
    func admit() -> Bool {
        guard function.acquire() else { return false }
        state.counters[function.index].inFlight += 1
        return true
    }

    /// The answer at the concurrency cap: 503 `over-capacity`.
    var overCapacity: FunctionResponse {
        let problem = Problem(
            status: 503, code: "over-capacity",
            detail: "\(function.name) is at its concurrency limit of \(function.manifest.concurrency); retry shortly")
        return ProblemRendering.response(problem, requestID: requestID, headers: ["Retry-After": "1"])
    }

    /// The 504 for an answer that came, or would come, after the deadline.
    var timedOut: FunctionResponse {
        ProblemRendering.response(
            Problem(status: 504, code: "timeout", detail: "\(function.name) did not finish in time"),
            requestID: requestID)
    }

    /// Counts the answer in the function's metrics and writes its access-log line.
    func record(status: Int, bytes: Int) {
        let seconds = Double(elapsedNanoseconds()) / 1e9
        state.counters[function.index].observe(status: status, seconds: seconds)
        if case .discard = sink, state.accessLog.loki == nil { return }
        state.accessLog.append(
            .init(
                level: status >= 500 ? "error" : "info", service: function.service, function: function.name,
                method: method, path: path, status: status, durationMilliseconds: seconds * 1000,
                requestID: inlineRequestID, bytes: bytes,
                fields: status >= 500 ? function.logFields.error : function.logFields.info), sink: sink)
    }

    /// Counts and logs `response`, then writes it on the connection with the request id beside
    /// the handler's headers (often a list shared by every response of its kind), not copied
    /// into them.
    func answer(_ response: consuming FunctionResponse, on responder: HTTPResponder) {
        record(status: response.status, bytes: response.body.count)
        let answer = response
        responder.respond(
            HTTPResponse(
                status: answer.status, headers: answer.headers, body: answer.body, inlineRequestID: inlineRequestID))
    }

    /// The run ended (answered or not): its slot and gauge are given back.
    func finished() {
        state.counters[function.index].inFlight -= 1
        function.release()
    }

    /// Nanoseconds since the run started.
    func elapsedNanoseconds() -> UInt64 {
        MonotonicClock.nanoseconds() &- startedNanoseconds
    }
}

/// One handler run in flight on a task, for any trigger: takes the function's concurrency slot,
/// races the handler's task against its deadline, answers exactly once, and counts and logs the
/// answer (its ``AnswerRecord``). Lives on one loop, and is touched only on that loop's thread.
final class RequestExchange: @unchecked Sendable {
    let record: AnswerRecord
    var function: FunctionRuntime { record.function }
    var inlineRequestID: RequestID { record.inlineRequestID }
    var requestID: String { record.requestID }
    var state: LoopState { record.state }
    let started: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    /// Where the answer goes: back on the connection (HTTP), or to the task that asked
    /// (``InvocationPipeline/run(_:)``); exactly one is set. Two optionals rather than an enum: an
    /// HTTP answer reads its responder in place, where a `switch` over a multi-payload enum copied
    /// it out and destroyed the copy (~230 instructions a request), and making the enum only to
    /// take it apart again cost another ~80.
    private let responder: HTTPResponder?
    private let caller: CheckedContinuation<FunctionResponse, Never>?
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
        record = AnswerRecord(
            function: function, inlineRequestID: requestID, method: method, path: path,
            startedNanoseconds: startedNanoseconds, state: state, sink: sink)
        self.started = started
        self.deadline = deadline
        precondition((responder == nil) != (caller == nil), "an exchange answers exactly one of a responder or a caller")
        self.responder = responder
        self.caller = caller
        self.deadlines = deadlines
    }

    /// Takes an in-flight slot, or answers 503 `over-capacity` at the function's concurrency cap.
    func admit() -> Bool {
        guard record.admit() else {
            answer(record.overCapacity)
            return false
        }
        deadlines?.add(self)
        return true
    }

    /// Answers, unless already answered (the deadline and the handler race).
    func answer(_ response: consuming FunctionResponse) {
        guard !isAnswered else { return }
        isAnswered = true
        if responder != nil {
            record.answer(response, on: responder!)
            deadlines?.settle()
        } else {
            record.record(status: response.status, bytes: response.body.count)
            state.disarm(self)
            caller!.resume(returning: response)
        }
    }

    /// Nanoseconds since the exchange was made.
    func elapsedNanoseconds() -> UInt64 { record.elapsedNanoseconds() }

    /// The deadline passed: 504 now, and the handler is asked to stop.
    func expire() {
        guard !isAnswered else { return }
        answer(record.timedOut)
        task?.cancel()
    }

    /// The handler's task ended (answered or not): its slot and gauge are given back.
    func finished() {
        task = nil
        record.finished()
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
