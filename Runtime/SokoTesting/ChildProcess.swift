import Foundation

/// A program run to its end for a test (a Python oracle, `openssl`, `nginx -t`, the `soko`
/// binary), awaited without holding a thread of Swift's cooperative pool.
///
/// Waiting for a child with `waitUntilExit` or `readDataToEndOfFile` blocks the calling thread
/// until the child ends. Called from a test, that thread is one of the cooperative pool's — two
/// on a 2-core machine — and while it waits every in-process host of the tests running beside it
/// waits too, until their requests time out. Here the waiting happens on a thread of its own, and
/// the test is resumed when the child has ended.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
        /// Standard output and standard error, in that order.
        public var combined: String { output + error }
    }

    /// Runs `executable arguments` in `directory`, with `environment` (nil: this process's own)
    /// and `input` on standard input, to its end.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        input: Data? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        return try await Blocking.run {
            // Both outputs are read on threads of their own from the start, so that no pipe can fill
            // while the input is written or the other output is read.
            let output = Reader(out.fileHandleForReading)
            let error = Reader(err.fileHandleForReading)
            if let input { try? stdin.fileHandleForWriting.write(contentsOf: input) }
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, output: String(decoding: output.wait(), as: UTF8.self),
                error: String(decoding: error.wait(), as: UTF8.self))
        }
    }

    /// Runs a program found on `PATH`, through `/usr/bin/env`: `run(command: ["python3", script])`.
    public static func run(
        command: [String], environment: [String: String]? = nil, directory: URL? = nil, input: Data? = nil
    ) async throws -> Result {
        try await run("/usr/bin/env", command, environment: environment, directory: directory, input: input)
    }

    /// Reads a handle to its end on a thread of its own.
    private final class Reader: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }.start()
        }

        /// Everything read; blocks until the end (called on a thread that may block).
        func wait() -> Data {
            done.wait()
            return data
        }
    }
}

/// Blocking work (a socket read with a timeout, a child's exit) for an async test, on a thread of
/// its own rather than one of the cooperative pool's, which the hosts under test need.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}
