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
final class Scheduler: @unchecked Sendable {
    private let functions: [FunctionRuntime]
    private let stores: [Store]
    private let loop: EventLoop
    /// The handlers' invoker, outgoing client and mailer come from here.
    private unowned let handler: HostRequestHandler
    private let logger = Logger(label: "soko.scheduler")
    // Loop-thread state.
    private var timers: [Int: LoopTimer] = [:]
    private var stopped = false

    init(functions: [FunctionRuntime], stores: [Store], loop: EventLoop, handler: HostRequestHandler) {
        self.functions = functions
        self.stores = stores
        self.loop = loop
        self.handler = handler
    }

    /// Arms every schedule. Call on the loop thread.
    func start() {
        for function in functions {
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
            let store = stores[function.index]
            // Past its timeout the run is asked to stop, as an HTTP call would be.
            let run = ScheduledRun()
            run.timer = LoopTimer(loop: loop, after: function.manifest.timeout) { run.task?.cancel() }
            run.task = Task(executorPreference: loop.executor) { [loop] in
                await self.run(function, tick: tick, store: store)
                loop.executeSoon { run.timer?.cancel() }
            }
        }
    }

    /// Claims the tick, then runs the handler.
    func run(_ function: FunctionRuntime, tick: Int, store: Store) async {
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
            let request = FunctionRequest(method: "SCHEDULE", path: "/")
            let context = FunctionContext(
                requestID: generator.next(), deadline: .now + function.manifest.timeout, service: function.service,
                function: function.name, request: request, store: store, invoker: handler.invoker,
                outgoing: handler.outgoing, mailer: handler.mailer, logger: function.logger)
            _ = try await function.handler(request, context: context)
            logger.info("scheduled run finished", metadata: ["function": "\(function.name)", "tick": "\(tick)"])
        } catch {
            logger.error(
                "scheduled run failed", metadata: ["function": "\(function.name)", "tick": "\(tick)", "error": "\(error)"])
        }
    }
}

/// One scheduled run's task and its timeout timer (loop thread only).
final class ScheduledRun: @unchecked Sendable {
    var task: Task<Void, Never>?
    var timer: LoopTimer?
}
