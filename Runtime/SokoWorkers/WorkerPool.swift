import Glibc
import Synchronization

/// Up to `size` threads, each owning one database connection, that run store calls.
///
/// Blocking database work (SQLite on a busy file, libpq's synchronous calls) never runs on a
/// loop thread: a call is queued here, and its caller's task resumes — on its own loop, through
/// that loop's executor — when a worker has finished it. Jobs run in arrival order.
///
/// Workers start as the queue needs them: one at first, another whenever a job is queued with
/// no worker free to take it, up to `size`. A store that sees one call at a time (a relay's poll,
/// a quiet service) keeps one thread and one connection instead of `size` of each — in a whole
/// shop at rest, 7 threads and connections instead of 28 (idle RSS, benchmarks/README.md).
public final class WorkerPool<Connection>: @unchecked Sendable {
    /// Runs the caller's body and returns how to hand its result back: the worker counts itself
    /// available first, so a caller that queues its next call at once finds this worker free.
    private typealias Job = (Connection?) -> () -> Void

    // Guarded by `mutex`; `condition` signals a new job or the close.
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false
    /// Workers not running a job (waiting, or started and not yet waiting).
    private var available = 0
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var threads: [pthread_t] = []
    private let size: Int
    private let makeConnection: @Sendable () throws -> Connection
    private let closeConnection: @Sendable (Connection) -> Void

    /// Starts the first worker; each opens its own connection with `open` on its own thread.
    /// One connection is opened (and closed) first, so a bad configuration fails here, loudly.
    public init(
        size: Int, open: @escaping @Sendable () throws -> Connection,
        close: @escaping @Sendable (Connection) -> Void
    ) throws {
        self.size = max(1, size)
        makeConnection = open
        closeConnection = close
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        close(try open())
        pthread_mutex_lock(&mutex)
        startWorker()
        pthread_mutex_unlock(&mutex)
    }

    /// Called with `mutex` held.
    private func startWorker() {
        available += 1
        threads.append(WorkerThread.start { [self] in work() })
    }

    /// How many workers the pool has started so far (at most `size`).
    public var startedWorkers: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return threads.count
    }

    /// Runs `body` with a connection on a worker thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let job: Job = { connection in
                guard let connection else { return { continuation.resume(throwing: WorkerPoolError.noConnection) } }
                let result = Result { try body(connection) }
                return { continuation.resume(with: result) }
            }
            pthread_mutex_lock(&mutex)
            let accepted = !closed
            if accepted {
                jobs.append(job)
                // More jobs waiting than workers waiting for them: one more worker, if allowed.
                if jobs.count - head > available && threads.count < size { startWorker() }
                pthread_cond_signal(&condition)
            }
            pthread_mutex_unlock(&mutex)
            if !accepted { continuation.resume(throwing: WorkerPoolError.closed) }
        }
    }

    /// The next job, once there is one (nil: closed).
    private func next() -> Job? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head == jobs.count && !closed { pthread_cond_wait(&condition, &mutex) }
        guard head < jobs.count else { return nil }
        available -= 1
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }

    private func work() {
        var connection: Connection? = nil  // opened on the first job: idle workers hold nothing
        while let job = next() {
            if connection == nil { connection = try? makeConnection() }  // reconnect after a failure
            let deliver = job(connection)
            pthread_mutex_lock(&mutex)
            available += 1
            pthread_mutex_unlock(&mutex)
            deliver()
        }
        if let connection { closeConnection(connection) }
    }

    /// Runs what is queued, closes every connection and joins the threads.
    public func shutdown() {
        pthread_mutex_lock(&mutex)
        let already = closed
        closed = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        guard !already else { return }
        for thread in threads { pthread_join(thread, nil) }
        threads = []
    }
}

/// Why a pool could not run a job.
public enum WorkerPoolError: Error, Equatable {
    /// The pool was shut down.
    case closed
    /// The worker's resource (a database connection) could not be opened.
    case noConnection
}

/// Threads for blocking computation (password hashing and the like), off the event loops.
/// The threads start on first use, so a pool that is never used costs nothing.
public final class ComputePool: Sendable {
    private let threads: Int
    private let pool = Mutex<WorkerPool<Void>?>(nil)
    private let closed = Atomic(false)

    public init(threads: Int) {
        self.threads = threads
    }

    /// Runs `body` on a pool thread; the caller's task resumes on its own executor afterwards.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard !closed.load(ordering: .acquiring) else { throw WorkerPoolError.closed }
        let workers = try pool.withLock { pool -> WorkerPool<Void> in
            if let pool { return pool }
            let started = try WorkerPool<Void>(size: threads, open: {}, close: { _ in })
            pool = started
            return started
        }
        return try await workers.run { _ in try body() }
    }

    /// Stops the threads (if they started); later calls throw ``WorkerPoolError/closed``.
    public func shutdown() {
        closed.store(true, ordering: .releasing)
        pool.withLock { $0 }?.shutdown()
    }
}

/// Starts a pthread running a Swift closure (C entry points cannot capture generic context).
enum WorkerThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping () -> Void) -> pthread_t {
        var thread = pthread_t()
        pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
                return nil
            }, Unmanaged.passRetained(Box(body)).toOpaque())
        return thread
    }
}
