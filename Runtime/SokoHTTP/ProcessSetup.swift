internal import CUV
import Glibc

/// Process-wide settings a server needs before its first socket.
public enum ProcessSetup {
    /// Ignores SIGPIPE (a peer closing mid-write is an error code, not a crash), raises the
    /// open-file limit to its hard maximum so that thousands of idle connections fit, and caps
    /// glibc's malloc arenas at one per loop plus one (unless `MALLOC_ARENA_MAX` says otherwise).
    ///
    /// glibc gives each new thread that allocates an arena of its own, up to 8 per core; a shop's
    /// ~30 store and compute threads each kept one with a few pages touched (~0.7 MiB idle, measured
    /// in benchmarks/README.md). The loops, which allocate per request, still get one each; the
    /// per-thread caches (tcache) serve most allocations without touching an arena's lock.
    public static func prepareForServing(loops: Int = EventLoopGroup.coreCount) {
        signal(SIGPIPE, SIG_IGN)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        if getenv("MALLOC_ARENA_MAX") == nil {
            _ = soko_malloc_arena_max(Int32(clamping: loops + 1))
        }
    }
}
