import SokoFunctions
import Testing

@testable import SokoHost

/// Handlers that return without suspending are answered on the loop, without a task: the same
/// request id, context, problem rendering, deadline, metrics and access log as on the task path.
@Suite("Synchronous fast path")
struct SynchronousPathTests {
    @Test func answersWithTheRequestIDAndTheContext() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /sync/context?q=shoes HTTP/1.1\r\nHost: x\r\nX-Request-ID: sync-1\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Request-ID") == "sync-1")
        #expect(response.text == "sync-1 probe.syncContext q=shoes")
        #expect(
            host.accessLog.contains {
                $0.contains(#""function":"syncContext""#) && $0.contains(#""status":200"#)
                    && $0.contains(#""request_id":"sync-1""#)
            })
        #expect(await host.stop())
    }

    @Test func typedInputIsDecodedAndItsErrorsAreProblems() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("POST", "/sync/echo", body: #"{"a":[1,true,"x"]}"#)
        let echoed = try await client.readResponse()
        #expect(echoed.status == 200)
        #expect(echoed.header("Content-Type") == "application/json")
        #expect(echoed.text == #"{"a":[1,true,"x"]}"#)
        client.send("POST", "/sync/echo", body: "{not json")
        let malformed = try await client.readResponse()
        #expect(malformed.status == 400)
        #expect(malformed.header("Content-Type") == "application/problem+json")
        #expect(malformed.text.contains(#""code":"malformed-json""#))
        #expect(await host.stop())
    }

    @Test func aThrownErrorIsProblemJSONWithTheRequestID() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /sync/fail HTTP/1.1\r\nHost: x\r\nX-Request-ID: sync-2\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 409)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("X-Request-ID") == "sync-2")
        #expect(response.text.contains(#""request_id":"sync-2""#))
        #expect(await host.stop())
    }

    @Test func anAnswerPastTheTimeoutBecomes504() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /sync/overrun HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 504)
        #expect(response.text.contains(#""code":"timeout""#))
        #expect(!response.text.contains("too late"))
        // The connection stays usable.
        client.send("GET /sync/context HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        #expect(await host.stop())
    }

    @Test func aFunctionWithAnAuthPolicyStillChecksTheCaller() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /sync/private HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 401)
        #expect(await host.stop())
    }

    @Test func metricsCountSynchronousAnswers() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        for _ in 0..<2 {
            client.send("GET /sync/context HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try await client.readResponse()
        }
        client.send("GET /sync/fail HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await client.readResponse()
        client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = try await client.readResponse().text
        #expect(text.contains("http_requests_total{function=\"syncContext\",code=\"200\"} 2\n"))
        #expect(text.contains("http_requests_total{function=\"syncFail\",code=\"409\"} 1\n"))
        #expect(text.contains("http_request_duration_seconds_count{function=\"syncContext\"} 2\n"))
        #expect(text.contains("http_requests_in_flight{function=\"syncContext\"} 0\n"))
        #expect(await host.stop())
    }
}
