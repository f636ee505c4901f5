/// A task executor that runs jobs on one ``EventLoop``'s thread.
///
/// A request's task prefers this executor, so a handler that never suspends starts, runs and
/// finishes on the loop thread that read the request; after a suspension it resumes there too.
public final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    /// Set once by the loop's initialiser, before any job can arrive.
    unowned(unsafe) var loop: EventLoop!

    init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(.job(UnownedJob(job)))
    }
}
