import Testing

@testable import SokoHost

/// Raw request bytes against the live host: the status each limit or framing error gets,
/// and whether the connection is closed after it.
@Suite("Limits and malformed requests")
struct LimitsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: String
        var status: Int
        var closes: Bool
        var testDescription: String { name }
    }

    static let bigHeader = String(repeating: "a", count: 17 * 1024)

    static let cases: [Case] = [
        Case(name: "plain GET", bytes: "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", status: 200, closes: false),
        Case(
            name: "headers over 16 KiB", bytes: "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: \(bigHeader)\r\n\r\n", status: 431,
            closes: true),
        Case(
            name: "request line over 16 KiB", bytes: "GET /hello?\(bigHeader) HTTP/1.1\r\nHost: x\r\n\r\n", status: 431,
            closes: true),
        Case(
            name: "declared body over the function's limit",
            bytes: "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n", status: 413, closes: true),
        Case(
            name: "chunked body over the function's limit",
            bytes:
                "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n\(String(repeating: "x", count: 1024))\r\n1\r\nx\r\n0\r\n\r\n",
            status: 413, closes: true),
        Case(
            name: "body at the limit",
            bytes: "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n\(String(repeating: "x", count: 1024))",
            status: 200, closes: false),
        Case(
            name: "Content-Length and Transfer-Encoding",
            bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, closes: true),
        Case(
            name: "differing Content-Lengths",
            bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", status: 400,
            closes: true),
        Case(name: "garbage request line", bytes: "HELLO THERE\r\n\r\n", status: 400, closes: true),
        Case(name: "bad header name", bytes: "GET /hello HTTP/1.1\r\nBad Header: x\r\n\r\n", status: 400, closes: true),
        Case(
            name: "invalid Content-Length", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", status: 400,
            closes: true),
        Case(
            name: "bad chunk size", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            status: 400, closes: true),
        Case(name: "unknown route", bytes: "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", status: 404, closes: false),
        Case(
            name: "wrong method", bytes: "PUT /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", status: 405, closes: false
        ),
        Case(
            name: "malformed JSON to a typed handler",
            bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{\"a\":", status: 400, closes: false),
    ]

    @Test(arguments: cases)
    func statusAndClose(_ testCase: Case) async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send(testCase.bytes)
        let response = try await client.readResponse()
        #expect(response.status == testCase.status)
        if response.status >= 400 {
            #expect(response.header("Content-Type") == "application/problem+json")
        }
        if testCase.closes {
            #expect(response.header("Connection") == "close")
            #expect(await client.isClosedByServer())
        } else {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        #expect(await host.stop())
    }

    @Test func slowlorisGets408AndClose() async throws {
        let host = try await LiveHost.start(loops: 1, headerTimeout: .milliseconds(300))
        let client = try host.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")  // never finishes the head
        let response = try await client.readResponse()
        #expect(response.status == 408)
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func idleKeepAliveConnectionIsClosedAfterIdleTimeout() async throws {
        let host = try await LiveHost.start(loops: 1, idleTimeout: .milliseconds(300))
        let client = try host.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        // No more requests: the server closes (EOF) within the idle timeout; the 5 s read timeout bounds the wait.
        #expect(await client.isClosedByServer())
        #expect(await host.running.server.connectionCount() == 0)
        #expect(await host.stop())
    }
}
