internal import CUV

/// A one-shot timer on a loop. Create, start and cancel it on the loop thread.
public final class LoopTimer: @unchecked Sendable {
    private let timer: UnsafeMutablePointer<uv_timer_t>
    private var callback: (() -> Void)?
    private var closed = false

    /// Fires `callback` once after `delay` unless cancelled first.
    public init(loop: EventLoop, after delay: Duration, _ callback: @escaping () -> Void) {
        self.callback = callback
        timer = .allocate(capacity: 1)
        uv_timer_init(loop.uv, timer)
        timer.pointee.data = Unmanaged.passRetained(self).toOpaque()
        uv_timer_start(
            timer,
            { handle in
                let me = Unmanaged<LoopTimer>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
                let body = me.callback
                me.cancel()
                body?()
            }, delay.milliseconds, 0)
    }

    /// Stops the timer and releases its handle; safe to call more than once.
    public func cancel() {
        guard !closed else { return }
        closed = true
        callback = nil
        uv_timer_stop(timer)
        uv_close(handle(timer)) { handle in
            let pointer = handle!.pointee.data!
            Unmanaged<LoopTimer>.fromOpaque(pointer).release()
            handle!.deallocate()
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a short non-zero delay never becomes zero.
    var milliseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let ms = UInt64(seconds) * 1000 + UInt64((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        return ms
    }
}

/// A timer that can be set again and again (one handle for many deadlines). Loop thread only;
/// ``close()`` before the loop stops.
public final class LoopAlarm: @unchecked Sendable {
    private let timer: UnsafeMutablePointer<uv_timer_t>
    private var callback: (() -> Void)?
    public private(set) var isSet = false

    public init(loop: EventLoop, _ callback: @escaping () -> Void) {
        self.callback = callback
        timer = .allocate(capacity: 1)
        uv_timer_init(loop.uv, timer)
        timer.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Fires once after `delay`, replacing any earlier setting.
    public func set(after delay: Duration) {
        guard callback != nil else { return }
        isSet = true
        uv_timer_start(
            timer,
            { handle in
                let me = Unmanaged<LoopAlarm>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
                me.isSet = false
                me.callback?()
            }, delay.milliseconds, 0)
    }

    public func clear() {
        isSet = false
        uv_timer_stop(timer)
    }

    /// Releases the handle; the alarm never fires again.
    public func close() {
        guard callback != nil else { return }
        callback = nil
        isSet = false
        uv_timer_stop(timer)
        uv_close(handle(timer)) { handle in
            Unmanaged<LoopAlarm>.fromOpaque(handle!.pointee.data!).release()
            handle!.deallocate()
        }
    }
}
