import Foundation
import Testing

/// The real `soko` executable in its own process: startup, refusal of bad manifests with file
/// and key named, `soko routes`, and SIGTERM → drain → exit 0.
@Suite("soko binary", .serialized)
struct BinaryTests {
    /// `soko` sits next to the test bundle in the build folder.
    static var binary: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("soko").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("soko")
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    struct Run { var status: Int32; var output: String; var error: String }

    static func run(
        _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], input: String? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = repository
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for name in unsetting { merged[name] = nil }
        process.environment = merged
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    @Test func routesPrintsTheRouteTable() throws {
        let result = try Self.run(["routes"])
        #expect(result.status == 0)
        let rows = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first == ["METHOD", "PATH", "FUNCTION", "SERVICE", "AUTH"])
        #expect(rows.contains(["GET", "/hello", "hello", "examples", "public"]))
        #expect(rows.contains(["POST", "/echo", "echo", "examples", "public"]))
        #expect(rows.contains(["GET", "/users/me", "me", "users", "customer"]))
    }

    @Test func migrateAppliesPendingMigrationsThenReportsUpToDate() throws {
        let data = ["SOKO_DATA": NSTemporaryDirectory() + "soko-migrate-\(UUID().uuidString)"]
        let first = try Self.run(["migrate"], environment: data)
        #expect(first.status == 0)
        #expect(first.output.contains("users: version 0 → ") && first.output.contains("(applied 1, 2"))
        let second = try Self.run(["migrate"], environment: data)
        #expect(second.output.contains("(up to date)"))
        let examplesOnly = try Self.run(["migrate", "--service", "examples"], environment: data)
        #expect(examplesOnly.output.contains("no selected service keeps data"))
    }

    @Test func createAdminReadsThePasswordFromStandardInput() throws {
        let data = ["SOKO_DATA": NSTemporaryDirectory() + "soko-admin-\(UUID().uuidString)"]
        let created = try Self.run(
            ["users", "create-admin", "--email", "Root@Example.com"], environment: data, input: "a long admin password\n")
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.contains("created admin usr_"))
        let again = try Self.run(
            ["users", "create-admin", "--email", "root@example.com"], environment: data, input: "whatever\n")
        #expect(again.output.contains("already existed"))
        let weak = try Self.run(["users", "create-admin", "--email", "other@example.com"], environment: data, input: "short\n")
        #expect(weak.status != 0)
        #expect(weak.error.contains("password"))
    }

    @Test(arguments: [
        ("functions:\n  hello:\n    http: GET /hello\n", "service"),
        ("service: examples\nfunctions:\n  hello:\n    http: GET /hello\n    timeout: 2x\n", "functions.hello.timeout"),
        ("service: examples\nfunctions:\n  nothere:\n    http: GET /nothere\n", "functions.nothere"),
        ("service: examples\nfunctions:\n  hello:\n    http: GET /hello\n    colour: blue\n", "functions.hello.colour"),
        ("service: examples\nfunctions:\n  hello:\n    http: GET /hello\n  echo:\n    http: GET /hello\n", "functions.echo.http"),
        ("service: examples\nfunctions:\n  hello:\n    http: GET /hello\n    bodyLimit: lots\n", "functions.hello.bodyLimit"),
    ])
    func badManifestsAreRefusedWithFileAndKey(_ yaml: String, _ key: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("examples.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try Self.run(["serve", "--manifests", folder.path, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.error.contains(file.path), "stderr: \(result.error)")
        #expect(result.error.contains(key), "stderr: \(result.error)")
    }

    @Test func sigtermDrainsAndExitsZero() throws {
        let host = try ServingProcess(
            ["serve", "--host", "127.0.0.1", "--port", "0", "--loops", "2"],
            environment: ["SOKO_DATA": NSTemporaryDirectory() + "soko-serve-\(UUID().uuidString)"])
        let client = try RawClient(port: host.port)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponseBlocking().text == "hello")
        let log = host.stop()  // SIGTERM
        #expect(host.process.terminationReason == .exit)
        #expect(host.process.terminationStatus == 0)
        #expect(client.isClosedByServerBlocking())
        #expect(log.contains("\"msg\":\"draining\""))
        #expect(log.contains("\"loops_closed_cleanly\":\"true\""))
    }
}
