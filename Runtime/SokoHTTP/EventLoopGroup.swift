internal import CUV
import Synchronization

/// A fixed set of event loops, each on its own thread (one per core by default).
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let threads = Mutex<[pthread_t]>([])
    private let started = Mutex(false)

    public init(loopCount: Int) {
        loops = (0..<max(1, loopCount)).map { EventLoop(index: $0) }
    }

    /// The number of cores the process may use.
    public static var coreCount: Int {
        Int(uv_available_parallelism())
    }

    /// Starts one thread per loop. The threads run until ``shutdown()``.
    public func start() {
        let already = started.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        guard !already else { return }
        var ready = [pthread_t]()
        for loop in loops {
            let box = Unmanaged.passRetained(loop).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { argument in
                    let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
                    loop.run()
                    return nil
                }, box)
            precondition(status == 0, "pthread_create failed")
            ready.append(thread)
        }
        threads.withLock { $0 = ready }
        // Wait until every loop knows its thread, so inEventLoop is right from the first call.
        for loop in loops {
            while !loop.hasThread { sched_yield() }
        }
    }

    /// Stops every loop once its handles are closed and joins the threads.
    /// Returns whether every loop closed with no handle left open.
    @discardableResult
    public func shutdown() -> Bool {
        for loop in loops { loop.execute { loop.stop() } }
        let joined = threads.withLock { value -> [pthread_t] in
            defer { value = [] }
            return value
        }
        for thread in joined { pthread_join(thread, nil) }
        return loops.allSatisfy { $0.closedCleanly }
    }
}
