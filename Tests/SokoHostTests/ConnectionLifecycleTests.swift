import SokoTesting
import Testing

@testable import SokoHost

/// Connection edge cases: a client that stops reading, half-closes, or packs a partial request
/// behind a complete one; framing that forbids keep-alive; drains with partial requests.
@Suite("Connection lifecycle")
struct ConnectionLifecycleTests {
    @Test func aClientThatNeverReadsIsNotReadFromWithoutBound() async throws {
        // Synchronously answered requests (health checks) pipelined by a client that never reads:
        // the host must stop reading once its writes back up, so the client's sends block. The
        // idle timeout (the send timeout while writes wait) is far off: on a starved machine the
        // sends took over 30 s, the host rightly cut the client, and the drain below had nothing
        // left to wait for.
        let host = try await LiveHost.start(loops: 1, idleTimeout: .seconds(600))
        let client = try host.client()
        let batch = Array(String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 1000).utf8)
        // Without back-pressure the host keeps reading (a few MB/s here, queueing a write per
        // answer), so sends never stall for the 3 s patience and all 48 MB go out; with it, the socket
        // buffers fill (a few MB) and the sends stall.
        let limit = 48 << 20
        let sent = try await Blocking.run { client.sendUntilBlocked(batch, limit: limit, patience: 3000) }
        #expect(sent < limit / 2, "the host kept reading \(sent) bytes from a client that never reads")
        #expect(await host.stop(drainTimeout: .milliseconds(500)) == false)  // that client is cut at the deadline
    }

    @Test func aPartialRequestBehindACompleteOneStillTimesOut() async throws {
        let host = try await LiveHost.start(loops: 1, headerTimeout: .milliseconds(300), idleTimeout: .seconds(30))
        let client = try host.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
        #expect(try await client.readResponse().status == 200)
        #expect(try await client.readResponse().status == 408)
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func aHalfClosedClientStillGetsItsResponses() async throws {
        let host = try await LiveHost.start(loops: 1)
        let gate = Gates.gate("half-close")
        let client = try host.client()
        client.send("GET /wait?gate=half-close HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)
        client.finishSending()
        gate.open()
        #expect(try await client.readResponse().text == "released")
        #expect(try await client.readResponse().text == "hello")
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func http10WithTransferEncodingIsAnsweredThenClosed() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send(
            "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.header("Connection")?.lowercased() != "keep-alive")
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func transferEncodingNotEndingInChunkedIs400BeforeAnyContinue() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nExpect: 100-continue\r\n\r\n")
        #expect(try await client.readResponse().status == 400)
        #expect(await host.stop())
    }

    @Test func drainKeepsAnInFlightRequestBehindWhichAPartialHeadWaits() async throws {
        let host = try await LiveHost.start(loops: 1)
        let gate = Gates.gate("drain-partial")
        let client = try host.client()
        client.send("GET /wait?gate=drain-partial HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)
        client.send("GET /hel")  // a partial head in a read of its own
        // A round trip on another connection of the same (single) loop: the partial head was
        // readable before it, so the loop has read it by the time this answer comes back.
        let other = try host.client()
        other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await other.readResponse().status == 200)
        let stopping = Task { await host.stop(drainTimeout: .seconds(5)) }
        // The drain has begun on the (single) loop once it closes the idle connection.
        #expect(await other.isClosedByServer())
        gate.open()
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(await stopping.value)
    }
}
