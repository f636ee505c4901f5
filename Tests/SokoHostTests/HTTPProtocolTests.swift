import Testing

@testable import SokoHost

/// The wire protocol against the live host: keep-alive, pipelining, chunked, 100-continue, HEAD, HTTP/1.0.
@Suite("HTTP/1.1 over sockets")
struct HTTPProtocolTests {
    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        for _ in 0..<5 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.header("Connection") == nil)
        }
        #expect(await host.stop())
    }

    @Test func pipelinedResponsesComeBackInRequestOrder() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        // The first request is slow (waits on a gate), the others are fast: order must still hold.
        let gate = Gates.gate("pipeline")
        client.send(
            "GET /wait?gate=pipeline HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n[1,2,3]"
                + "GET /items/2?q=two HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)
        gate.open()
        #expect(try await client.readResponse().text == "released")
        #expect(try await client.readResponse().text == "id=1 q=- m=GET")
        #expect(try await client.readResponse().text == "[1,2,3]")
        #expect(try await client.readResponse().text == "id=2 q=two m=GET")
        #expect(await host.stop())
    }

    @Test func chunkedRequestBodyIsReassembled() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                + "4\r\n{\"a\"\r\n5\r\n:[1,2\r\n2\r\n]}\r\n0\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == #"{"a":[1,2]}"#)
        #expect(await host.stop())
    }

    @Test func expectContinueGetsInterimResponseBeforeBody() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await client.readResponse()
        #expect(interim.status == 100)
        client.send("{}")
        let final = try await client.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "{}")
        #expect(await host.stop())
    }

    @Test func expectContinueOverTheLimitGets413WithoutContinue() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(await host.stop())
    }

    @Test func unknownExpectationIs417() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: something-else\r\n\r\n{}")
        #expect(try await client.readResponse().status == 417)
        #expect(await host.stop())
    }

    @Test func headHasHeadersAndLengthButNoBody() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try await client.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        // The next response starts right after the head's headers: no stray body bytes.
        let get = try await client.readResponse()
        #expect(get.text == "hello")
        #expect(await host.stop())
    }

    @Test func connectionCloseIsHonoured() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func http10ClosesByDefaultAndKeepsAliveWhenAsked() async throws {
        let host = try await LiveHost.start()
        let plain = try host.client()
        plain.send("GET /hello HTTP/1.0\r\n\r\n")
        let first = try await plain.readResponse()
        #expect(first.status == 200)
        #expect(await plain.isClosedByServer())

        let keepAlive = try host.client()
        keepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try await keepAlive.readResponse()
        #expect(response.header("Connection")?.lowercased() == "keep-alive")
        keepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try await keepAlive.readResponse().status == 200)
        #expect(await host.stop())
    }

    @Test func responsesCarryDateAndRequestID() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.header("X-Request-ID") == "abc-123")
        #expect(response.header("Date")?.hasSuffix("GMT") == true)
        #expect(await host.stop())
    }
}

@Suite("Request targets and Host")
struct RequestTargetTests {
    @Test func absoluteFormTargetIsRoutedByItsPath() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET http://example.com/items/5?q=z HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(try await client.readResponse().text == "id=5 q=z m=GET")
        #expect(await host.stop())
    }

    @Test(arguments: ["GET /hello HTTP/1.1\r\n\r\n", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"])
    func http11WithoutExactlyOneHostIs400(_ request: String) async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send(request)
        let response = try await client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("X-Request-ID") != nil)
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test(arguments: [("QUERY", 501), ("FOO-BAR", 501), ("G(T", 400)])
    func anUnknownMethodIsNotImplementedAndGarbageIsMalformed(_ method: String, _ status: Int) async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("\(method) /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(await client.isClosedByServer())
        #expect(await host.stop())
    }

    @Test func deepPipelineIsServedThroughPauseAndResume() async throws {
        // 2,000 pipelined requests in one stream: far past the read-ahead depth (16), so the
        // host pauses and resumes reading many times; every request is still answered.
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        let count = 2000
        let batch = String(repeating: "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", count: count)
        let sender = Task.detached { client.send(batch) }
        var served = 0
        for _ in 0..<count {
            if try await client.readResponse().status == 200 { served += 1 }
        }
        await sender.value
        #expect(served == count)
        #expect(await host.stop())
    }
}
