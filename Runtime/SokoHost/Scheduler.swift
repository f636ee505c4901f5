import Glibc
import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoStore
import Synchronization

/// Runs `schedule:` functions on their ticks, once per tick across every replica.
///
/// Each tick is claimed by inserting `(function, tick)` into the service's
/// `soko_schedule_runs` table: the primary key lets exactly one replica win, the others skip.
/// A service without a store (no migrations) runs its schedules in this process only.
///
/// A run goes through the ``InvocationPipeline`` (trigger `schedule`): the function's `timeout`
/// and `concurrency` hold, and it is counted and logged like any other call.
final class Scheduler: @unchecked Sendable {
    private let pipeline: InvocationPipeline
    private let loop: EventLoop
    private let logger = Logger(label: "soko.scheduler")
    // Loop-thread state (the timers and the flag are touched only on `loop`).
    private var timers: [Int: LoopTimer] = [:]
    private var stopped = false

    init(pipeline: InvocationPipeline, loop: EventLoop) {
        self.pipeline = pipeline
        self.loop = loop
    }

    /// Arms every schedule. Call on the loop thread.
    func start() {
        for function in pipeline.services.functions {
            guard case .schedule(let schedule) = function.manifest.trigger else { continue }
            arm(function, schedule)
        }
    }

    /// Stops arming new ticks (runs in progress finish). Call on the loop thread.
    func stop() {
        stopped = true
        for timer in timers.values { timer.cancel() }
        timers = [:]
    }

    private func arm(_ function: FunctionRuntime, _ schedule: Schedule) {
        guard !stopped else { return }
        let now = Int(time(nil))
        let tick = ScheduleClock.nextTick(after: now, schedule: schedule)
        guard tick != Int.max else { return }
        timers[function.index] = LoopTimer(loop: loop, after: .seconds(tick - now)) { [self] in
            arm(function, schedule)  // the next tick first, so a slow run does not delay it
            Task(executorPreference: loop.executor) { await self.run(function, tick: tick) }
        }
    }

    /// Claims the tick, then runs the handler through the pipeline (past its timeout the run is
    /// answered 504 and asked to stop, as an HTTP call would be).
    func run(_ function: FunctionRuntime, tick: Int) async {
        let store = pipeline.services.functionStores[function.index]
        do {
            if !(store is NoStore) {
                do {
                    try await store.execute(
                        "INSERT INTO soko_schedule_runs (function, tick, claimed_at) VALUES ($1, $2, $3)",
                        [.text(function.name), .integer(Int64(tick)), .text(Timestamp.now())])
                } catch StoreError.uniqueViolation {
                    return  // another replica runs this tick
                }
                try await store.execute(
                    "DELETE FROM soko_schedule_runs WHERE function = $1 AND tick < $2",
                    [.text(function.name), .integer(Int64(tick - 86_400))])
            }
            var generator = RequestIDGenerator()
            let response = await pipeline.run(
                Invocation(
                    function: function, trigger: .schedule, request: FunctionRequest(method: "SCHEDULE", path: "/"),
                    requestID: generator.next(), deadline: .now + function.manifest.timeout))
            guard response.status < 400 else { throw ScheduledRunFailure(status: response.status, body: response.body) }
            logger.info("scheduled run finished", metadata: ["function": "\(function.name)", "tick": "\(tick)"])
        } catch {
            logger.error(
                "scheduled run failed", metadata: ["function": "\(function.name)", "tick": "\(tick)", "error": "\(error)"])
        }
    }
}

/// A scheduled run whose handler failed or overran: its problem's status and body.
struct ScheduledRunFailure: Error, CustomStringConvertible {
    var status: Int
    var body: [UInt8]

    var description: String { "\(status) \(String(decoding: body, as: UTF8.self))" }
}
