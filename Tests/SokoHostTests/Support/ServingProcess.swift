import Foundation
import Testing

/// `soko serve` in a process of its own, found listening through its `listening` log line.
final class ServingProcess {
    let process = Process()
    private let reader: FileHandle
    private(set) var log = Data()
    let port: Int

    /// Starts `soko` with `arguments` and waits (up to 20 s) for its `listening` line.
    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = BinaryTests.binary
        process.arguments = arguments
        process.currentDirectoryURL = BinaryTests.repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        reader = out.fileHandleForReading
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
            throw ServingProcessError(log: String(decoding: log, as: UTF8.self))
        }
        self.port = port
    }

    /// SIGTERM, then waits for the exit; returns the whole log.
    @discardableResult
    func stop() -> String {
        process.terminate()
        process.waitUntilExit()
        log.append(reader.readDataToEndOfFile())
        return String(decoding: log, as: UTF8.self)
    }

    struct ServingProcessError: Error, CustomStringConvertible {
        var log: String
        var description: String { "soko serve did not report listening; its log:\n\(log)" }
    }
}
