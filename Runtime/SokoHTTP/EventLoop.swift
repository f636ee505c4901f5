internal import CUV
import Synchronization

/// One libuv loop and the thread that runs it.
///
/// A loop and its handles belong to its thread. Other threads get in only through
/// ``execute(_:)``, which queues work and wakes the loop with `uv_async_send`. Work queued from
/// the loop's own thread runs in the same loop iteration, without a syscall.
public final class EventLoop: @unchecked Sendable {
    enum Work: @unchecked Sendable {
        case closure(() -> Void)
        case job(UnownedJob)
    }

    let uv: UnsafeMutablePointer<uv_loop_t>
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    private let idle: UnsafeMutablePointer<uv_idle_t>
    private let check: UnsafeMutablePointer<uv_check_t>
    /// Work from other threads; `nil` once the loop has stopped taking work.
    private let remote = Mutex<[Work]?>([])
    private var local: [Work] = []
    private var spare: [Work] = []
    private var thread: pthread_t?
    private let threadKnown = Atomic(false)
    private var idleActive = false
    private var closing = false
    /// Called once per loop iteration after I/O, on the loop thread (log flushing and the like).
    var afterIO: [() -> Void] = []

    /// The task executor that runs Swift tasks on this loop's thread.
    public let executor = LoopExecutor()
    /// A small index, unique within the group (`0..<loops`).
    public let index: Int
    /// Whether the loop closed with no handle left open; set when ``run()`` returns.
    public private(set) var closedCleanly = false
    /// Handles still open when the loop tried to close (for leak reports).
    public private(set) var leakedHandles = 0

    public init(index: Int = 0) {
        self.index = index
        uv = .allocate(capacity: 1)
        precondition(uv_loop_init(uv) == 0, "uv_loop_init failed")
        wakeup = .allocate(capacity: 1)
        idle = .allocate(capacity: 1)
        check = .allocate(capacity: 1)
        uv_async_init(uv, wakeup) { handle in EventLoop.from(handle!.pointee.data).runRemote() }
        uv_idle_init(uv, idle)
        uv_check_init(uv, check)
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        idle.pointee.data = wakeup.pointee.data
        check.pointee.data = wakeup.pointee.data
        uv_check_start(check) { handle in
            let loop = EventLoop.from(handle!.pointee.data)
            loop.runLocal()
            for hook in loop.afterIO { hook() }
        }
        uv_unref(UnsafeMutableRawPointer(check).assumingMemoryBound(to: uv_handle_t.self))
        executor.loop = self
    }

    deinit {
        uv.deallocate()
        wakeup.deallocate()
        idle.deallocate()
        check.deallocate()
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> EventLoop {
        Unmanaged<EventLoop>.fromOpaque(pointer!).takeUnretainedValue()
    }

    var hasThread: Bool { threadKnown.load(ordering: .acquiring) }

    /// True on the thread that runs this loop.
    public var inEventLoop: Bool {
        guard hasThread, let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `body` on the loop thread: inline-queued when already there, else via `uv_async_send`.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        enqueue(.closure(body))
    }

    /// Runs `body` now if on the loop thread, else queues it.
    public func executeSoon(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop { body() } else { enqueue(.closure(body)) }
    }

    func enqueue(_ work: Work) {
        if inEventLoop && !closing {
            local.append(work)
            if !idleActive {
                idleActive = true
                uv_idle_start(idle) { handle in EventLoop.from(handle!.pointee.data).runLocal() }
            }
        } else {
            // The wake-up is sent under the lock: stop() closes the handle only after taking the
            // queue away under the same lock, so a send never reaches a closed handle. Work that
            // arrives after stop() (a task still running when the process ends) is dropped.
            let wakeup = self.wakeup
            remote.withLock { queue in
                guard queue != nil else { return }
                queue!.append(work)
                uv_async_send(wakeup)
            }
        }
    }

    private func runRemote() {
        let batch = remote.withLock { queue -> [Work] in
            guard let taken = queue else { return [] }
            queue!.removeAll(keepingCapacity: true)
            return taken
        }
        for work in batch { run(work) }
        runLocal()
    }

    private func runLocal() {
        // Bounded: work queued while draining runs on the next pass (idle keeps the loop spinning).
        var rounds = 0
        while !local.isEmpty && rounds < 4 {
            swap(&local, &spare)
            for work in spare { run(work) }
            spare.removeAll(keepingCapacity: true)
            rounds += 1
        }
        if local.isEmpty && idleActive {
            idleActive = false
            uv_idle_stop(idle)
        }
    }

    private func run(_ work: Work) {
        switch work {
        case .closure(let body): body()
        case .job(let job): job.runSynchronously(on: executor.asUnownedTaskExecutor())
        }
    }

    /// Runs the loop on the calling thread until ``stop()`` is called and every handle is closed.
    public func run() {
        thread = pthread_self()
        threadKnown.store(true, ordering: .releasing)
        uv_run(uv, UV_RUN_DEFAULT)
        var open = 0
        uv_walk(uv, { _, arg in arg!.assumingMemoryBound(to: Int.self).pointee += 1 }, &open)
        leakedHandles = open
        closedCleanly = uv_loop_close(uv) == 0
    }

    /// Closes the loop's own handles so that ``run()`` returns once the others are closed too.
    /// Call on the loop thread (or through ``execute(_:)``).
    public func stop() {
        guard !closing else { return }
        runLocal()
        let last = remote.withLock { queue -> [Work] in
            defer { queue = nil }
            return queue ?? []
        }
        for work in last { run(work) }
        var rounds = 0
        while !local.isEmpty && rounds < 64 {
            runLocal()
            rounds += 1
        }
        local.removeAll()  // work that keeps requeueing itself past this point is dropped
        closing = true
        if idleActive { uv_idle_stop(idle); idleActive = false }
        uv_close(handle(wakeup), nil)
        uv_close(handle(idle), nil)
        uv_close(handle(check), nil)
    }

    /// Registers `body` to run once per loop iteration, after I/O callbacks (for batching work
    /// such as log writes). Call on the loop thread.
    public func onEachIteration(_ body: @escaping () -> Void) {
        afterIO.append(body)
    }

    /// The loop's notion of now, in milliseconds (cached per iteration).
    var nowMilliseconds: UInt64 { uv_now(uv) }
}

@inline(__always)
func handle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
}

@inline(__always)
func stream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_stream_t.self)
}
