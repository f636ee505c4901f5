import Foundation
import SokoTesting
import Testing

/// The real `soko` executable in its own process: startup, refusal of bad manifests with file
/// and key named, `soko routes`, and SIGTERM → drain → exit 0.
@Suite("soko binary", .serialized)
struct BinaryTests {
    static var binary: URL { SokoBinary.url }
    static var repository: URL { SokoBinary.repository }

    static func run(
        _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], input: String? = nil
    ) async throws -> SokoBinary.Run {
        try await SokoBinary.run(arguments, environment: environment, unsetting: unsetting, input: input)
    }

    @Test func routesPrintsTheRouteTable() async throws {
        let result = try await Self.run(["routes"])
        #expect(result.status == 0)
        let rows = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first == ["METHOD", "PATH", "FUNCTION", "SERVICE", "AUTH"])
        #expect(rows.contains(["GET", "/hello", "hello", "examples", "public"]))
        #expect(rows.contains(["POST", "/echo", "echo", "examples", "public"]))
        #expect(rows.contains(["GET", "/users/me", "me", "users", "customer"]))
    }

    @Test func migrateAppliesPendingMigrationsThenReportsUpToDate() async throws {
        let data = ["SOKO_DATA": NSTemporaryDirectory() + "soko-migrate-\(UUID().uuidString)"]
        let first = try await Self.run(["migrate"], environment: data)
        #expect(first.status == 0)
        #expect(first.output.contains("users: version 0 → ") && first.output.contains("(applied 1, 2"))
        let second = try await Self.run(["migrate"], environment: data)
        #expect(second.output.contains("(up to date)"))
        let examplesOnly = try await Self.run(["migrate", "--service", "examples"], environment: data)
        #expect(examplesOnly.output.contains("no selected service keeps data"))
    }

    @Test func createAdminReadsThePasswordFromStandardInput() async throws {
        let data = ["SOKO_DATA": NSTemporaryDirectory() + "soko-admin-\(UUID().uuidString)"]
        let created = try await Self.run(
            ["users", "create-admin", "--email", "Root@Example.com"], environment: data, input: "a long admin password\n")
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.contains("created admin usr_"))
        let again = try await Self.run(
            ["users", "create-admin", "--email", "root@example.com"], environment: data, input: "whatever\n")
        #expect(again.output.contains("already existed"))
        let weak = try await Self.run(
            ["users", "create-admin", "--email", "other@example.com"], environment: data, input: "short\n")
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
    func badManifestsAreRefusedWithFileAndKey(_ yaml: String, _ key: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("examples.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try await Self.run(["serve", "--manifests", folder.path, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.error.contains(file.path), "stderr: \(result.error)")
        #expect(result.error.contains(key), "stderr: \(result.error)")
    }

    @Test func sigtermDrainsAndExitsZero() async throws {
        let host = try await ServingProcess.start(
            ["serve", "--host", "127.0.0.1", "--port", "0", "--loops", "2"],
            environment: ["SOKO_DATA": NSTemporaryDirectory() + "soko-serve-\(UUID().uuidString)"])
        let client = try RawClient(port: host.port)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "hello")
        let log = await host.stop()  // SIGTERM
        #expect(host.process.terminationReason == .exit)
        #expect(host.process.terminationStatus == 0)
        #expect(await client.isClosedByServer())
        #expect(log.contains("\"msg\":\"draining\""))
        #expect(log.contains("\"loops_closed_cleanly\":\"true\""))
    }
}
