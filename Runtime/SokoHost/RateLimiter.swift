import Glibc
import Logging
import SokoFunctions
import SokoManifest
import SokoStore
import Synchronization

/// Counts a function's calls per caller in fixed windows, in the service's store, so that every
/// replica counts the same calls (`rateLimit:` in the manifest).
///
/// Windows are aligned on multiples of their length since 1970 (every replica agrees on them);
/// one upsert per call both counts it and reads the count, so concurrent calls on any replica are
/// counted exactly (a row lock on PostgreSQL, the single writer on SQLite). Refused calls count
/// too: a caller that keeps hammering stays refused until the window ends. A fixed window lets a
/// caller make up to twice the limit across a window boundary; the limit is about cost, not
/// precision. Rows of past windows are swept by the first call of each new window in a process.
final class RateLimiter: Sendable {
    /// `service.function`, the rows' key.
    let function: String
    let policy: RateLimitPolicy
    private let clock: @Sendable () -> Int64
    private let sweptWindow = Atomic<Int64>(Int64.min)

    init(function: String, policy: RateLimitPolicy, clock: @escaping @Sendable () -> Int64) {
        self.function = function
        self.policy = policy
        self.clock = clock
    }

    /// What happens to one call.
    enum Decision: Equatable {
        case allowed
        /// Refused; the caller may try again in this many seconds (when the window ends).
        case limited(retryAfter: Int)
    }

    /// Counts a call by `caller` and decides it.
    /// - Throws: the store's error (the host then lets the call through: see ``HostRequestHandler``).
    func admit(caller: String, store: Store) async throws -> Decision {
        let now = clock()
        let window = Self.window(containing: now, length: policy.windowMilliseconds)
        let rows = try await store.query(
            """
            INSERT INTO soko_rate_limits (function, caller, window_start_ms, calls) VALUES ($1, $2, $3, 1)
            ON CONFLICT (function, caller, window_start_ms) DO UPDATE SET calls = soko_rate_limits.calls + 1
            RETURNING calls
            """, [.text(function), .text(caller), .integer(window.start)])
        let calls = try rows.first?.int("calls") ?? 1
        if sweptWindow.exchange(window.start, ordering: .relaxed) < window.start {
            try await store.execute(
                "DELETE FROM soko_rate_limits WHERE function = $1 AND window_start_ms < $2",
                [.text(function), .integer(window.start)])
        }
        return Self.decide(calls: calls, limit: policy.requests, now: now, windowEnd: window.end)
    }

    /// The window of `length` milliseconds holding `now`: `[start, end)`.
    static func window(containing now: Int64, length: Int64) -> (start: Int64, end: Int64) {
        let start = now - ((now % length) + length) % length
        return (start, start + length)
    }

    /// The `calls`-th call of a window is allowed up to `limit`; past it, the caller waits for the
    /// window's end (whole seconds, at least 1).
    static func decide(calls: Int, limit: Int, now: Int64, windowEnd: Int64) -> Decision {
        guard calls > limit else { return .allowed }
        let waitMilliseconds = max(0, windowEnd - now)
        return .limited(retryAfter: max(1, Int((waitMilliseconds + 999) / 1000)))
    }

    /// Whose calls are counted: the token's subject, else the client's address (IPv6 per /64, one
    /// customer's allocation).
    static func caller(subject: String?, clientAddress: String) -> String {
        if let subject { return "subject:" + subject }
        return "address:" + addressGroup(clientAddress)
    }

    static func addressGroup(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ".") + "/64"
    }

    /// `1h`, `10m`, `30s`, `1500ms`: the window as a manifest writes it.
    static func text(_ window: Duration) -> String {
        let milliseconds = RateLimitPolicy(requests: 1, window: window).windowMilliseconds
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// Milliseconds since 1970 (UTC), the windows' clock.
    @Sendable static func wallClock() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

extension RateLimiter {
    /// Admits a call or throws the 429 problem (`rate-limited`, with `Retry-After`). A store that
    /// fails lets the call through, logged: the limit guards against abuse, and refusing every call
    /// while the database hiccups would be an outage of its own (the handler meets the same store).
    func check(caller: String, store: Store, logger: Logger) async throws {
        let decision: Decision
        do {
            decision = try await admit(caller: caller, store: store)
        } catch {
            logger.warning("rate limit not counted; call let through", metadata: ["error": "\(error)"])
            return
        }
        guard case .limited(let retryAfter) = decision else { return }
        throw FunctionError(
            status: 429, code: "rate-limited",
            detail:
                "too many calls: at most \(policy.requests) per \(Self.text(policy.window)) for each caller; retry in \(retryAfter) s",
            headers: ["Retry-After": "\(retryAfter)"])
    }
}

extension RateLimiter {
    /// One limiter per function with `rateLimit:`, by function index; none at all when not
    /// `enabled` (`SOKO_RATE_LIMITS=off`, load tests).
    /// - Throws: ``HostSetupError`` for a rate-limited function of a service without a store (the
    ///   counts live there).
    static func limiters(
        for functions: [FunctionRuntime], migrations: [String: [Migration]], enabled: Bool,
        clock: @escaping @Sendable () -> Int64
    ) throws -> [RateLimiter?] {
        return try functions.map { function in
            guard let policy = function.manifest.rateLimit else { return nil }
            guard migrations[function.service]?.isEmpty == false else {
                throw HostSetupError(
                    "\(function.service).\(function.name) has a rateLimit, which is counted in the service's store, but the \"\(function.service)\" bundle keeps no store"
                )
            }
            guard enabled else { return nil }
            return RateLimiter(function: "\(function.service).\(function.name)", policy: policy, clock: clock)
        }
    }
}
