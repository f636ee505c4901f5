import SokoHTTP

/// The host's per-loop state: metric shards, the access-log buffer, the request-id generator.
/// Touched only on its loop's thread, so none of it needs a lock.
final class LoopState: @unchecked Sendable {
    var counters: [FunctionCounters]
    var accessLog = AccessLogBuffer()
    var requestIDs = RequestIDGenerator()
    /// One deadline queue per function, made on first use.
    private var deadlines: [DeadlineQueue?]
    /// Runs of other triggers than HTTP still unanswered, each with a deadline timer of its own.
    private var timed: [ObjectIdentifier: RequestExchange] = [:]
    let loop: EventLoop

    init(loop: EventLoop, functionCount: Int) {
        self.loop = loop
        counters = Array(repeating: FunctionCounters(), count: functionCount)
        deadlines = Array(repeating: nil, count: functionCount)
    }

    func deadlineQueue(for function: FunctionRuntime) -> DeadlineQueue {
        if let queue = deadlines[function.index] { return queue }
        let queue = DeadlineQueue(loop: loop)
        deadlines[function.index] = queue
        return queue
    }

    /// Arms `exchange`'s own deadline (runs of other triggers than HTTP, whose deadlines differ).
    func arm(_ exchange: RequestExchange) {
        timed[ObjectIdentifier(exchange)] = exchange
        exchange.timer = LoopTimer(loop: loop, after: max(.zero, ContinuousClock.now.duration(to: exchange.deadline))) {
            exchange.expire()
        }
    }

    /// `exchange` was answered: its timer goes.
    func disarm(_ exchange: RequestExchange) {
        exchange.timer?.cancel()
        exchange.timer = nil
        timed[ObjectIdentifier(exchange)] = nil
    }

    /// Closes the loop's handles owned by the host (before the loop stops), expiring every call
    /// still pending (504 and cancellation), so no task outlives the loop unasked to stop.
    func close() {
        for exchange in Array(timed.values) { exchange.expire() }
        for queue in deadlines { queue?.close() }
        deadlines = Array(repeating: nil, count: deadlines.count)
        accessLog.flush()
    }

    /// One state per loop of `group`, each flushing its access log after every loop iteration.
    static func attach(to group: EventLoopGroup, functionCount: Int, loki: LokiShipper?) async -> [LoopState] {
        var states: [LoopState] = []
        for loop in group.loops {
            let state = LoopState(loop: loop, functionCount: functionCount)
            state.accessLog.loki = loki
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    loop.onEachIteration { state.accessLog.flush() }
                    continuation.resume()
                }
            }
            states.append(state)
        }
        return states
    }

    /// Closes each state's handles (deadline alarms) on its loop, so the loops can close. Call
    /// after the drain.
    static func detach(_ states: [LoopState]) async {
        for state in states {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                state.loop.execute {
                    state.close()
                    continuation.resume()
                }
            }
        }
    }
}
