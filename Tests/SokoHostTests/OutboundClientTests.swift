import Foundation
import SokoFunctions
import SokoHTTP
import SokoHost
import SokoManifest
import SokoOutbound
import SokoTesting
import SokoWorkers
import Synchronization
import Testing

/// Calls the `flaky` handler has refused, by key.
private let flakyCalls = Mutex<[String: Int]>([:])

/// A server for the client to call: answers, echoes, refuses a few times.
enum PeerBundle: FunctionBundle {
    static let service = "peer"

    static func register(_ registry: inout FunctionRegistry) {
        registry.raw("hello") { _, _ in .text("hello") }
        registry.raw("echo") { request, _ in
            var response = FunctionResponse(status: 201, body: request.body)
            response.headers.add("Content-Type", request.headers["Content-Type"] ?? "none")
            response.headers.add("X-Method", request.method)
            response.headers.add("X-Seen-Authorization", request.headers["Authorization"] ?? "none")
            return response
        }
        registry.raw("flaky") { request, _ in
            let key = request.query["key"] ?? "-"
            let calls = flakyCalls.withLock { calls -> Int in
                calls[key, default: 0] += 1
                return calls[key]!
            }
            return calls <= 2 ? FunctionResponse(status: 503) : .text("third time")
        }
    }

    static let manifest = """
        service: peer
        functions:
          hello:
            http: GET /hello
            auth: public
          echo:
            http:
              - POST /echo
              - PUT /echo
            auth: public
          flaky:
            http:
              - GET /flaky
              - POST /flaky
            auth: public
        """
}

/// The first time something happened, across tasks.
final class Moment: Sendable {
    private let value = Mutex<ContinuousClock.Instant?>(nil)
    func markOnce() { value.withLock { $0 = $0 ?? .now } }
    var instant: ContinuousClock.Instant? { value.withLock { $0 } }
}

@Suite("Outgoing HTTP on the loops (libcurl multi)")
struct OutboundClientTests {
    static func peer() async throws -> (RunningHost, String) {
        var configuration = HostConfiguration(
            server: ServerConfiguration(host: "127.0.0.1", port: 0), loops: 1, accessLog: .discard)
        configuration.manifestsDirectory = "-"
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: PeerBundle.manifest, file: "peer.yaml")], bundles: [PeerBundle.self],
            configuration: configuration)
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let running = try await host.start(on: group)
        return (running, "http://127.0.0.1:\(running.port)")
    }

    /// A client on its own loop, as a host's handlers have one.
    static func client(mail: MailSettings = MailSettings(directory: "/nonexistent")) async -> (
        OutboundClient, EventLoopGroup, ComputePool
    ) {
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let compute = ComputePool(threads: 1)
        return (await OutboundClient.start(loops: group.loops, mail: mail, compute: compute), group, compute)
    }

    static func stop(_ client: OutboundClient, _ group: EventLoopGroup, _ compute: ComputePool) async -> Bool {
        await client.shutdown()
        compute.shutdown()
        return group.shutdown()
    }

    @Test func getsAndPostsAndReadsTheAnswer() async throws {
        let (peer, base) = try await Self.peer()
        let (client, group, compute) = await Self.client()
        let deadline = ContinuousClock.now + .seconds(5)

        let hello = try await client.send(OutgoingRequest(url: base + "/hello"), deadline: deadline)
        #expect(hello.status == 200)
        #expect(hello.text == "hello")
        #expect(hello.headers["Content-Type"] == "text/plain; charset=utf-8")

        let posted = try await client.send(
            try .json("POST", base + "/echo", ["amount": 1500], headers: ["Authorization": "Bearer sk_test"]), deadline: deadline)
        #expect(posted.status == 201)
        #expect(posted.text == #"{"amount":1500}"#)
        #expect(posted.headers["X-Method"] == "POST")
        #expect(posted.headers["X-Seen-Authorization"] == "Bearer sk_test")
        let form = try await client.send(
            .form("PUT", base + "/echo", [("metadata[order_id]", "o 1"), ("amount", "5")]), deadline: deadline)
        #expect(form.text == "metadata%5Border_id%5D=o+1&amount=5")
        #expect(form.headers["Content-Type"] == "application/x-www-form-urlencoded")

        // Many at once on one loop, over reused connections.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<100 {
                tasks.addTask { try await client.send(OutgoingRequest(url: base + "/hello"), deadline: deadline).status }
            }
            return try await tasks.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 100))

        // No answer at all is an error, not a status.
        await #expect(throws: OutgoingError.self) {
            try await client.send(OutgoingRequest(url: "http://127.0.0.1:1/nothing"), deadline: deadline)
        }
        #expect(await Self.stop(client, group, compute))
        #expect(await peer.stop(drainTimeout: .seconds(2)))
    }

    @Test func onlyIdempotentCallsAreRetried() async throws {
        let (peer, base) = try await Self.peer()
        let (client, group, compute) = await Self.client()
        let deadline = ContinuousClock.now + .seconds(5)
        let retried = try await client.send(OutgoingRequest(url: base + "/flaky?key=get"), deadline: deadline)
        #expect(retried.status == 200)
        #expect(flakyCalls.withLock { $0["get"] } == 3)
        let once = try await client.send(OutgoingRequest(method: "POST", url: base + "/flaky?key=post"), deadline: deadline)
        #expect(once.status == 503)
        #expect(flakyCalls.withLock { $0["post"] } == 1)
        let keyed = try await client.send(
            OutgoingRequest(method: "POST", url: base + "/flaky?key=keyed", idempotent: true), deadline: deadline)
        #expect(keyed.status == 200)
        #expect(await Self.stop(client, group, compute))
        #expect(await peer.stop(drainTimeout: .seconds(2)))
    }

    @Test func aGatewayThatHangsCostsASocketNotTheLoop() async throws {
        // A listener that never accepts: connections complete in the kernel, answers never come.
        let (listener, port) = try LoopbackPort.listener()
        defer { close(listener) }
        let hanging = "http://127.0.0.1:\(port)/pay"
        let (peer, base) = try await Self.peer()
        let (client, group, compute) = await Self.client()

        // 50 calls hang until their 2 s deadline; meanwhile the same loop serves 20 other calls, all
        // answered before the first hanging one gives up.
        let firstTimeout = Moment()
        let helloDone = Moment()
        let outcomes = await withTaskGroup(of: OutgoingError.Kind?.self) { tasks in
            for _ in 0..<50 {
                tasks.addTask {
                    do {
                        _ = try await client.send(OutgoingRequest(method: "POST", url: hanging), deadline: .now + .seconds(2))
                        return nil
                    } catch let error as OutgoingError {
                        firstTimeout.markOnce()
                        return error.kind
                    } catch {
                        return nil
                    }
                }
            }
            tasks.addTask {
                for _ in 0..<20 {
                    guard
                        (try? await client.send(OutgoingRequest(url: base + "/hello"), deadline: .now + .seconds(5)))?.status
                            == 200
                    else { return .unavailable }
                }
                helloDone.markOnce()
                return nil
            }
            return await tasks.reduce(into: [OutgoingError.Kind?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .timeout }.count == 50)
        #expect(!outcomes.contains(.unavailable))
        let served = try #require(helloDone.instant)
        let gaveUp = try #require(firstTimeout.instant)
        #expect(served < gaveUp)
        #expect(await Self.stop(client, group, compute))
        #expect(await peer.stop(drainTimeout: .seconds(2)))
    }

    /// The host's client sets curl and OpenSSL up on its first call, on a compute thread: that call
    /// and the next ones are answered, and the loop goes on serving while the first one waits.
    @Test func aClientPreparedOnItsFirstCallAnswersIt() async throws {
        let (peer, base) = try await Self.peer()
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let compute = ComputePool(threads: 1)
        let client = await OutboundClient.start(
            loops: group.loops, mail: MailSettings(directory: "/nonexistent"), compute: compute, prepare: .onFirstCall)
        let deadline = ContinuousClock.now + .seconds(10)
        async let first = client.send(OutgoingRequest(url: base + "/hello"), deadline: deadline)
        // The loop is not held by the set-up: it runs a job while the first call is under way.
        let ticked = await withCheckedContinuation { continuation in
            group.loops[0].execute { continuation.resume(returning: true) }
        }
        #expect(ticked)
        #expect(try await first.text == "hello")
        #expect(try await client.send(OutgoingRequest(url: base + "/hello"), deadline: deadline).status == 200)
        #expect(await Self.stop(client, group, compute))
        #expect(await peer.stop(drainTimeout: .seconds(2)))
    }

    @Test func aCancelledCallStopsAtOnce() async throws {
        let (client, group, compute) = await Self.client()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/"
        let call = Task { try await client.send(OutgoingRequest(url: url), deadline: .now + .seconds(30)) }
        let cancelledAt = ContinuousClock.now
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(ContinuousClock.now - cancelledAt < .milliseconds(500))
        #expect(await Self.stop(client, group, compute))
    }

    /// Runs a command and returns its standard output.
    static func run(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run(command: arguments).output
    }

    @Test func mailGoesToARealSMTPServerOverSTARTTLS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try await Self.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out",
            folder + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracle/smtp_sink.py")
            .path
        sink.arguments = ["python3", script, folder + "/cert.pem", folder + "/key.pem", folder]
        let output = Pipe()
        let input = Pipe()
        sink.standardOutput = output
        sink.standardInput = input
        try sink.run()
        defer {
            try? input.fileHandleForWriting.close()
            sink.waitUntilExit()
        }
        // The sink prints its port once it listens.
        let portLine = try await Blocking.run { () -> String in
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
                line.append(byte)
            }
            return String(decoding: line, as: UTF8.self)
        }
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespaces)), "the SMTP sink did not start: \(portLine)")

        let smtp = MailSettings.SMTP(url: "smtp://127.0.0.1:\(port)", caFile: folder + "/cert.pem")
        let (client, group, compute) = await Self.client(mail: MailSettings(smtp: smtp, directory: folder + "/unused"))
        let message = Array("From: Soko <shop@soko.example>\r\nTo: ann@example.com\r\nSubject: Karibu\r\n\r\nHabari!\r\n".utf8)
        let went = try await client.send(
            OutgoingMail(from: "shop@soko.example", recipients: ["ann@example.com", "bob@example.com"], message: message),
            deadline: .now + .seconds(10))
        #expect(went == "smtp")
        let received = try String(contentsOfFile: folder + "/1.eml", encoding: .utf8)
        #expect(received.contains("Subject: Karibu"))
        #expect(received.contains("Habari!"))
        let envelope = try String(contentsOfFile: folder + "/1.env", encoding: .utf8).split(separator: "\n")
        #expect(envelope == ["shop@soko.example", "ann@example.com", "bob@example.com"])

        // Without the CA, the server's certificate is refused: TLS verification is on.
        let (strict, strictGroup, strictCompute) = await Self.client(
            mail: MailSettings(smtp: MailSettings.SMTP(url: "smtp://127.0.0.1:\(port)"), directory: folder + "/unused"))
        await #expect(throws: OutgoingError.self) {
            try await strict.send(
                OutgoingMail(from: "shop@soko.example", recipients: ["ann@example.com"], message: message),
                deadline: .now + .seconds(10))
        }
        #expect(await Self.stop(strict, strictGroup, strictCompute))
        #expect(await Self.stop(client, group, compute))
    }

    @Test func withoutSMTPMailIsWrittenAsFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-mail-\(UUID().uuidString)").path
        let (client, group, compute) = await Self.client(mail: MailSettings(directory: folder))
        let message = Array("Subject: hi\r\n\r\nhello\r\n".utf8)
        let path = try await client.send(
            OutgoingMail(from: "shop@soko.example", recipients: ["ann@example.com"], message: message),
            deadline: .now + .seconds(2))
        #expect(path.hasPrefix(folder + "/") && path.hasSuffix(".eml"))
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == message)
        #expect(await Self.stop(client, group, compute))
    }
}
