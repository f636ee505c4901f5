import SokoFunctions
import SokoOutbound
import SokoStore

/// Everything handler runs share: built once the host's loops run (``FunctionHost/start(on:)``),
/// never changed afterwards.
struct HostServices: Sendable {
    let functions: [FunctionRuntime]
    let stores: ServiceStores
    /// Each function's store, by function index (looked up once, not per request).
    let functionStores: [Store]
    /// Outgoing HTTP and mail, on the loops.
    let outbound: OutboundClient
    let authenticator: Authenticator
    /// Each function's `rateLimit:` counter, by function index.
    let rateLimiters: [RateLimiter?]
    /// Calls to functions served by other processes.
    let remote: RemoteInvoker
    let loki: LokiShipper?
    /// Per-loop metric shards, access-log buffers and request-id generators, by loop index.
    let states: [LoopState]
    let sink: AccessLogSink
    /// What handlers read as `context.now` (``HostConfiguration/clock``).
    let clock: WallClock
}
