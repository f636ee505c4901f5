import SokoHTTP

/// The host's per-loop state: metric shards, the access-log buffer, the request-id generator.
/// Touched only on its loop's thread, so none of it needs a lock.
final class LoopState: @unchecked Sendable {
    var counters: [FunctionCounters]
    var accessLog = AccessLogBuffer()
    var requestIDs = RequestIDGenerator()

    init(functionCount: Int) {
        counters = Array(repeating: FunctionCounters(), count: functionCount)
    }
}
