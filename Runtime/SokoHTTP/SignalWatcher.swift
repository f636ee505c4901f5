internal import CUV

/// Watches SIGTERM and SIGINT on a loop and calls back once, on that loop's thread.
public final class SignalWatcher: @unchecked Sendable {
    private var handles: [UnsafeMutablePointer<uv_signal_t>] = []
    private var callback: ((Int32) -> Void)?
    private let loop: EventLoop

    /// Call on `loop`'s thread.
    public init(loop: EventLoop, _ callback: @escaping (Int32) -> Void) {
        self.loop = loop
        self.callback = callback
        for signum in [SIGTERM, SIGINT] {
            let signal = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
            uv_signal_init(loop.uv, signal)
            signal.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            uv_signal_start(
                signal,
                { handle, signum in
                    Unmanaged<SignalWatcher>.fromOpaque(handle!.pointee.data).takeUnretainedValue().fire(signum)
                }, signum)
            handles.append(signal)
        }
    }

    private func fire(_ signum: Int32) {
        let body = callback
        callback = nil
        body?(signum)
    }

    /// Stops watching and closes the handles; call on the loop thread.
    public func close() {
        callback = nil
        for signal in handles {
            uv_signal_stop(signal)
            uv_close(handle(signal)) { $0!.deallocate() }
        }
        handles = []
    }
}
