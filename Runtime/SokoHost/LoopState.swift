import SokoHTTP

/// The host's per-loop state: metric shards, the access-log buffer, the request-id generator.
/// Touched only on its loop's thread, so none of it needs a lock.
final class LoopState: @unchecked Sendable {
    var counters: [FunctionCounters]
    var accessLog = AccessLogBuffer()
    var requestIDs = RequestIDGenerator()
    /// One deadline queue per function, made on first use.
    private var deadlines: [DeadlineQueue?]
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

    /// Closes the loop's handles owned by the host (before the loop stops).
    func close() {
        for queue in deadlines { queue?.close() }
        deadlines = Array(repeating: nil, count: deadlines.count)
        accessLog.flush()
    }
}
