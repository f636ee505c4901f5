internal import CUV

/// Watches a file descriptor someone else owns (libcurl's sockets) for readability and
/// writability on a loop. Create, change and close it on the loop thread; ``close()`` before the
/// loop stops and before the descriptor is closed by its owner.
public final class LoopPoll: @unchecked Sendable {
    /// What the descriptor is ready for.
    public struct Readiness: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let readable = Readiness(rawValue: Int32(UV_READABLE.rawValue))
        public static let writable = Readiness(rawValue: Int32(UV_WRITABLE.rawValue))
    }

    private let poll: UnsafeMutablePointer<uv_poll_t>
    private var callback: ((Readiness, _ failed: Bool) -> Void)?
    public let descriptor: Int32

    /// Starts watching `descriptor` for `events`; `callback` gets what is ready (or `failed` when
    /// the poll reported an error — the owner should then try the descriptor and see).
    public init?(
        loop: EventLoop, descriptor: Int32, events: Readiness, _ callback: @escaping (Readiness, _ failed: Bool) -> Void
    ) {
        self.descriptor = descriptor
        self.callback = callback
        poll = .allocate(capacity: 1)
        guard uv_poll_init_socket(loop.uv, poll, descriptor) == 0 else {
            poll.deallocate()
            return nil
        }
        poll.pointee.data = Unmanaged.passRetained(self).toOpaque()
        watch(events)
    }

    /// Changes what is watched.
    public func watch(_ events: Readiness) {
        guard callback != nil else { return }
        uv_poll_start(poll, events.rawValue) { handle, status, events in
            let me = Unmanaged<LoopPoll>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
            me.callback?(Readiness(rawValue: events), status < 0)
        }
    }

    /// Stops watching and releases the handle (the descriptor itself is left open).
    public func close() {
        guard callback != nil else { return }
        callback = nil
        uv_poll_stop(poll)
        uv_close(handle(poll)) { handle in
            Unmanaged<LoopPoll>.fromOpaque(handle!.pointee.data!).release()
            handle!.deallocate()
        }
    }
}
