import Glibc
import SokoHTTP
import SokoManifest
import Testing

@testable import SokoHost

/// Graceful drain: in-flight requests finish, idle connections close, new ones are refused,
/// readiness turns 503, the loops close with no handle left.
@Suite("Drain", .serialized)
struct DrainTests {
    @Test func drainLetsInFlightFinishAndRefusesNewConnections() async throws {
        // An address of its own in 127/8: a port freed by the drain could otherwise be taken at once
        // by another test's server on 127.0.0.1 (SO_REUSEPORT), and a new connection would succeed.
        // One loop: each loop closes its own listener, then its idle connections, so with several
        // loops another loop's listener may still be open when this loop's idle connection closes.
        let address = "127.0.\(Int.random(in: 1...250)).\(Int.random(in: 2...250))"
        let host = try await LiveHost.start(loops: 1, address: address)
        let port = host.port
        let gate = Gates.gate("drain")
        let busy = try host.client()
        busy.send("GET /wait?gate=drain HTTP/1.1\r\nHost: x\r\n\r\n")
        let idle = try host.client()
        idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await idle.readResponse().status == 200)
        await gate.waitForArrivals(1)

        let stopping = Task { await host.stop(drainTimeout: .seconds(10)) }
        // The idle connection is closed by the drain.
        #expect(await idle.isClosedByServer())
        // New connections are refused once listening stopped.
        #expect(throws: RawClient.Failure.self) { _ = try RawClient(port: port, address: address) }
        // The in-flight request still completes, with Connection: close.
        gate.open()
        let response = try await busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "released")
        #expect(response.header("Connection") == "close")
        #expect(await stopping.value)
    }

    @Test func drainDeadlineCutsStuckRequests() async throws {
        let host = try await LiveHost.start(loops: 1)
        let gate = Gates.gate("never")
        let busy = try host.client()
        busy.send("GET /wait?gate=never HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)
        let report = await host.running.shutdown(drainTimeout: .milliseconds(200))
        #expect(!report.drained)
        #expect(report.closedCleanly)
        #expect(await busy.isClosedByServer())
        gate.open()  // the stuck task's resumption finds its loop stopped and is dropped
    }

    @Test func sigtermDrainsAndRunReturns() async throws {
        let address = "127.0.\(Int.random(in: 1...250)).\(Int.random(in: 2...250))"  // see the test above
        var configuration = HostConfiguration(
            server: ServerConfiguration(host: address, port: 0), loops: 2,
            drainTimeout: .seconds(5), accessLog: .discard)
        configuration.manifestsDirectory = "-"
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: ProbeBundle.manifest, file: "probe.yaml")],
            bundles: [ProbeBundle.self], configuration: configuration)
        let listening = AsyncStream<Int>.makeStream()
        let running = Task { try await host.run { port in listening.continuation.yield(port) } }
        var ports = listening.stream.makeAsyncIterator()
        let port = try #require(await ports.next())
        let gate = Gates.gate("sigterm")
        let busy = try RawClient(port: port, address: address)
        busy.send("GET /wait?gate=sigterm HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)

        kill(getpid(), SIGTERM)  // caught by the host's libuv signal watcher
        // Readiness drops first, then every loop stops listening: wait (bounded) for both.
        let deadline = ContinuousClock.now + .seconds(5)
        while host.isReady && ContinuousClock.now < deadline { await Task.yield() }
        #expect(!host.isReady)
        var refused = false
        while !refused && ContinuousClock.now < deadline {
            do { _ = try RawClient(port: port, address: address) } catch { refused = true }
            await Task.yield()
        }
        #expect(refused)
        gate.open()
        let response = try await busy.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(try await running.value)
        #expect(throws: RawClient.Failure.self) { _ = try RawClient(port: port, address: address) }
    }
}
