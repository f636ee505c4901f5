#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A moment on the wall clock, in the forms the bundles store and compare: Unix seconds (token
/// expiry, cutoffs), Unix milliseconds (reservations) and the store's timestamp text.
public struct WallTime: Sendable, Hashable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var unixMilliseconds: Int64

    public init(unixMilliseconds: Int64) { self.unixMilliseconds = unixMilliseconds }

    public init(unixSeconds: Int) { self.unixMilliseconds = Int64(unixSeconds) * 1000 }

    /// Whole seconds since the epoch (rounded down).
    public var unixSeconds: Int { Int(unixMilliseconds.floorDivided(by: 1000)) }

    /// `2026-12-05T11:57:05.123Z`, as the stores keep `created_at` and `updated_at`.
    public var timestamp: String {
        Timestamp.format(seconds: unixSeconds, milliseconds: Int(unixMilliseconds - Int64(unixSeconds) * 1000))
    }

    /// This moment moved by `seconds` (negative for earlier).
    public func adding(seconds: Int) -> WallTime { WallTime(unixMilliseconds: unixMilliseconds + Int64(seconds) * 1000) }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.unixMilliseconds < rhs.unixMilliseconds }
}

/// Where ``FunctionContext/now`` reads the time: the system clock, or one a test sets.
///
/// ```swift
/// let clock = WallClock.fixed(WallTime(unixSeconds: 1_800_000_000))
/// let context = FunctionContext(..., clock: clock, logger: logger)
/// ```
public struct WallClock: Sendable {
    private let read: @Sendable () -> WallTime

    /// A clock that answers whatever `read` returns (a test's settable time).
    public init(_ read: @escaping @Sendable () -> WallTime) { self.read = read }

    /// The system's real-time clock.
    public static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallTime(unixMilliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec / 1_000_000))
    }

    /// A clock stopped at `time`.
    public static func fixed(_ time: WallTime) -> WallClock { WallClock { time } }

    /// The current time.
    public func now() -> WallTime { read() }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
