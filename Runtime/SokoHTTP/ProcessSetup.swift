internal import CUV
import Glibc

/// Process-wide settings a server needs before its first socket.
public enum ProcessSetup {
    /// Ignores SIGPIPE (a peer closing mid-write is an error code, not a crash) and raises the
    /// open-file limit to its hard maximum so that thousands of idle connections fit.
    public static func prepareForServing() {
        signal(SIGPIPE, SIG_IGN)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
