import Foundation
import Synchronization

/// The real `soko` executable, for tests that run it as a process of its own: the binary next to
/// the test bundle in the build folder, run in the repository's root.
public enum SokoBinary {
    /// `soko` in the build folder the running test bundle came from.
    public static var url: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("soko").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("soko")
    }

    /// The repository's root (where `manifests/functions` is).
    public static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public struct Run: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs `soko arguments` to its end with the test's environment, `environment` over it and the
    /// `unsetting` names removed, `input` on standard input.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], input: String? = nil
    ) async throws -> Run {
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for name in unsetting { merged[name] = nil }
        let result = try await ChildProcess.run(
            url.path, arguments, environment: merged, directory: repository, input: input.map { Data($0.utf8) })
        return Run(status: result.status, output: result.output, error: result.error)
    }
}

/// `soko serve` (or any command that listens) in a process of its own, found listening through
/// its `listening` log line; its output keeps being read so the pipe never fills.
public final class ServingProcess: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    private let reader: FileHandle
    private let buffer = LogBuffer()

    /// What the process wrote so far (the read handler appends from its own thread).
    private final class LogBuffer: Sendable {
        let data = Mutex(Data())
    }

    public struct NotListening: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "soko did not report listening; its log:\n\(log)" }
    }

    /// Starts `soko arguments` and waits (up to 20 s, off the cooperative pool) for its
    /// `listening` line.
    public static func start(_ arguments: [String], environment: [String: String]) async throws -> ServingProcess {
        try await Blocking.run { try ServingProcess(arguments, environment: environment) }
    }

    private init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = SokoBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = SokoBinary.repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        reader = out.fileHandleForReading
        var log = Data()
        var port: Int?
        let deadline = Date().addingTimeInterval(20)
        while port == nil && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            log.append(chunk)
            let text = String(decoding: log, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("\"listening\"") }),
                let range = line.range(of: #""port":""#)
            {
                port = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        guard let port else {
            process.terminate()
            process.waitUntilExit()
            throw NotListening(log: String(decoding: log, as: UTF8.self))
        }
        self.port = port
        buffer.data.withLock { $0 = log }
        let buffer = self.buffer
        reader.readabilityHandler = { handle in
            let chunk = handle.availableData
            buffer.data.withLock { $0.append(chunk) }
        }
    }

    /// SIGTERM, then waits (off the cooperative pool) for the exit; returns everything it wrote to
    /// standard output.
    @discardableResult
    public func stop() async -> String {
        (try? await Blocking.run { self.stopBlocking() }) ?? ""
    }

    /// SIGTERM and the wait on the calling thread, for a `defer` (the process is usually gone by
    /// then, stopped by ``stop()``).
    @discardableResult
    public func stopBlocking() -> String {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        reader.readabilityHandler = nil
        let rest = reader.readDataToEndOfFile()
        return buffer.data.withLock { String(decoding: $0 + rest, as: UTF8.self) }
    }
}
