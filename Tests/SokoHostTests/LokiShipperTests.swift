import Foundation
import Logging
import SokoFunctions
import SokoHTTP
import SokoManifest
import SokoTesting
import Synchronization
import Testing

@testable import SokoHost

/// Pushes the fake Loki received: (Content-Encoding, body).
private let pushes = Mutex<[(encoding: String, body: [UInt8])]>([])

/// A fake Loki push endpoint.
enum FakeLokiBundle: FunctionBundle {
    static let service = "fakeloki"

    static func register(_ registry: inout FunctionRegistry) {
        registry.raw("push") { request, _ in
            let encoding = request.headers["Content-Encoding"] ?? ""
            let body = request.body
            pushes.withLock { $0.append((encoding, body)) }
            return FunctionResponse(status: 204)
        }
    }

    static let manifest = """
        service: fakeloki
        functions:
          push:
            http: POST /loki/api/v1/push
            auth: public
            bodyLimit: 8MiB
        """
}

@Suite("Pushing the access log to Loki", .serialized)
struct LokiShipperTests {
    static func gunzip(_ bytes: [UInt8]) async throws -> [UInt8] {
        let result = try await ChildProcess.run(command: ["gzip", "-dc"], input: Data(bytes))
        return Array(result.output.utf8)
    }

    @Test func linesArePushedGzippedWithFewLabelsAndDroppedWhenLokiIsDown() async throws {
        let loki = try await ConsulTests.serve(FakeLokiBundle.self, FakeLokiBundle.manifest)
        let probe = try await ConsulTests.serve(
            ProbeBundle.self, ProbeBundle.manifest, environment: ["SOKO_LOKI_URL": "http://127.0.0.1:\(loki.port)"])
        let client = try RawClient(port: probe.port)
        for _ in 0..<3 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: loki-trace-1\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        var received: (encoding: String, body: [UInt8])?
        for _ in 0..<300 where received == nil {
            received = pushes.withLock { $0.first }
            if received == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let push = try #require(received)
        #expect(push.encoding == "gzip")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try await Self.gunzip(push.body))) as? [String: Any])
        let streams = try #require(json["streams"] as? [[String: Any]])
        let stream = try #require(streams.first { ($0["stream"] as? [String: String])?["function"] == "hello" })
        #expect((stream["stream"] as? [String: String]) == ["service": "probe", "function": "hello", "level": "info"])
        let values = try #require(stream["values"] as? [[String]])
        #expect(values.count == 3)
        #expect(values.allSatisfy { $0.count == 2 && Int64($0[0]) != nil && $0[1].contains("loki-trace-1") })

        // The host's other lines (a handler's own log messages) go too, labelled by their metadata.
        let handlerLogger = Logger(label: "soko.probe.hello", factory: { JSONLogHandler(label: $0) })
        handlerLogger.warning("stock is low", metadata: ["service": "probe", "function": "hello", "order_id": "o-42"])
        var warned: [String: Any]?
        for _ in 0..<300 where warned == nil {
            for (_, body) in pushes.withLock({ $0 }) {
                let json = try JSONSerialization.jsonObject(with: Data(try await Self.gunzip(body))) as? [String: Any]
                warned = (json?["streams"] as? [[String: Any]])?.first {
                    ($0["stream"] as? [String: String])?["level"] == "warning"
                }
            }
            if warned == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let warning = try #require(warned, "the handler's warning never reached Loki")
        #expect((warning["stream"] as? [String: String]) == ["service": "probe", "function": "hello", "level": "warning"])
        let line = try #require((warning["values"] as? [[String]])?.first?.last)
        #expect(line.contains(#""msg":"stock is low""#) && line.contains(#""order_id":"o-42""#))

        // Loki goes away: the lines are dropped and counted, requests are still answered.
        #expect(await loki.stop(drainTimeout: .seconds(1)))
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        var dropped = false
        for _ in 0..<300 where !dropped {
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            let metrics = try await client.readResponse().text
            dropped = metrics.contains("soko_log_lines_dropped_total") && !metrics.contains("soko_log_lines_dropped_total 0\n")
            if !dropped { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(dropped)
        #expect(await probe.stop(drainTimeout: .seconds(2)))
    }

    @Test func aHungLokiCostsDroppedLinesNotRequestsOrTheDrain() async throws {
        // A hung Loki: connections complete in the kernel's backlog, answers never come.
        let (fd, port) = try LoopbackPort.listener()
        defer { close(fd) }
        let probe = try await ConsulTests.serve(
            ProbeBundle.self, ProbeBundle.manifest, environment: ["SOKO_LOKI_URL": "http://127.0.0.1:\(port)"])
        let client = try RawClient(port: probe.port)
        // Well past a batch: pushes start and hang.
        for _ in 0..<2_500 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        // The compute threads (password hashing) are not held by the hung pushes.
        let started = ContinuousClock.now
        try await probe.host.compute.run {}
        try await probe.host.compute.run {}
        #expect(ContinuousClock.now - started < .milliseconds(1500))
        // The drain gives up on Loki after its timeout instead of waiting for it.
        let stopping = ContinuousClock.now
        #expect(await probe.stop(drainTimeout: .seconds(2)))
        #expect(ContinuousClock.now - stopping < .seconds(8))
    }
}
