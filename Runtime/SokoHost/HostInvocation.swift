import SokoFunctions

/// What started a handler run. Triggers other than HTTP name themselves in the access log's
/// `method` field (`INVOKE`, `EVENT`, `SCHEDULE`, `HOST`).
public enum InvocationTrigger: String, Sendable {
    /// A request on the host's socket (or through ``InProcessInvoker``).
    case http = "HTTP"
    /// `context.invoke` from a function of this process.
    case invoke = "INVOKE"
    /// An event delivered by this process's relay.
    case event = "EVENT"
    /// A `schedule:` tick.
    case schedule = "SCHEDULE"
    /// The host's own calls: the identity provider's JWKS and token endpoints.
    case host = "HOST"
}

/// One handler run as the pipeline sees it, whatever triggered it.
struct Invocation: Sendable {
    var function: FunctionRuntime
    var trigger: InvocationTrigger
    /// What the handler gets (body included).
    var request: FunctionRequest
    var requestID: String
    /// The calling service (`invoke`, `event`). HTTP callers prove who they are with a token;
    /// schedules and the host's own calls have no caller.
    var callingService: String?
    /// The caller's deadline; the run ends at the nearer of it and the function's `timeout`.
    var deadline: ContinuousClock.Instant
}
