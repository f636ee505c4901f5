import SokoFunctions
import Testing

@testable import SokoHost

/// Per-function bounds and telemetry over real sockets: concurrency cap, timeout, request id,
/// error mapping, metrics.
@Suite("Middleware")
struct MiddlewareTests {
    @Test func overTheConcurrencyCapGets503WithRetryAfter() async throws {
        let host = try await LiveHost.start()
        let gate = Gates.gate("cap")
        let first = try host.client()
        let second = try host.client()
        first.send("GET /wait?gate=cap HTTP/1.1\r\nHost: x\r\n\r\n")
        second.send("GET /wait?gate=cap HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(2)
        let third = try host.client()
        third.send("GET /wait?gate=cap HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = try await third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Content-Type") == "application/problem+json")
        gate.open()
        #expect(try await first.readResponse().status == 200)
        #expect(try await second.readResponse().status == 200)
        // Slots are given back: a new call gets through.
        third.send("GET /wait?gate=cap HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await third.readResponse().status == 200)
        #expect(await host.stop())
    }

    @Test func handlerPastItsTimeoutGets504() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        let started = ContinuousClock.now
        client.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 504)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(ContinuousClock.now - started < .seconds(5))
        // The connection stays usable.
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        #expect(await host.stop())
    }

    @Test(arguments: [
        ("abc-123", true), ("req_1.2:3+4/5=6@x", true), (String(repeating: "a", count: 128), true),
        (String(repeating: "a", count: 129), false), ("has space", false), ("semi;colon", false), ("ünï", false),
    ])
    func requestIDIsEchoedWhenSaneAndReplacedOtherwise(_ id: String, _ kept: Bool) async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /context HTTP/1.1\r\nHost: x\r\nX-Request-ID: \(id)\r\n\r\n")
        let response = try await client.readResponse()
        let echoed = try #require(response.header("X-Request-ID"))
        if kept {
            #expect(echoed == id)
        } else {
            #expect(echoed != id)
            #expect(echoed.count == 32)
        }
        #expect(response.text.hasPrefix(echoed + " probe.context true"))
        #expect(host.accessLog.contains { $0.contains("\"request_id\":\"\(echoed)\"") })
        #expect(await host.stop())
    }

    @Test func generatedRequestIDsAreUnique() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        var seen = Set<String>()
        for _ in 0..<50 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            seen.insert(try #require(try await client.readResponse().header("X-Request-ID")))
        }
        #expect(seen.count == 50)
        #expect(await host.stop())
    }

    @Test func errorsBecomeProblemJSON() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("GET /fail?kind=problem HTTP/1.1\r\nHost: x\r\n\r\n")
        let conflict = try await client.readResponse()
        #expect(conflict.status == 409)
        #expect(conflict.text.contains("\"detail\":\"widget already exists\""))
        #expect(conflict.text.contains("\"type\":\"urn:soko:problem:conflict\""))

        client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
        let failure = try await client.readResponse()
        #expect(failure.status == 500)
        #expect(!failure.text.contains("Boom"))

        client.send("POST", "/widgets", body: #"{"name":"bolt"}"#)
        let invalid = try await client.readResponse()
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("\"field\":\"quantity\""))

        client.send("POST", "/widgets", body: #"{"name":"bolt","quantity":"x"}"#)
        let mistyped = try await client.readResponse()
        #expect(mistyped.status == 422)
        #expect(mistyped.text.contains("must be an integer"))

        for number in ["1.5", "99999999999999999999999", "1e30"] {
            client.send("POST", "/widgets", body: #"{"name":"bolt","quantity":\#(number)}"#)
            let unfit = try await client.readResponse()
            #expect(unfit.status == 422, "\(number)")
            #expect(unfit.text.contains("validation-failed"))
        }
        client.send("POST", "/widgets", body: #"{"name":"bolt","quantity":"#)
        #expect(try await client.readResponse().status == 400)

        client.send("POST", "/widgets", body: #"{"name":"bolt","quantity":3}"#)
        let created = try await client.readResponse()
        #expect(created.status == 201)
        #expect(created.header("Location") == "/widgets/1")
        #expect(created.text == #"{"name":"bolt","quantity":3}"#)
        #expect(await host.stop())
    }

    @Test func notFoundAndMethodNotAllowed() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("GET /items HTTP/1.1\r\nHost: x\r\n\r\n")
        let missing = try await client.readResponse()
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        client.send("POST /items/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let wrong = try await client.readResponse()
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "DELETE, GET, HEAD")
        client.send("DELETE /items/a%20b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "id=a b q=- m=DELETE")
        #expect(await host.stop())
    }

    @Test func metricsCountRequestsByFunctionAndCode() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        for _ in 0..<3 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try await client.readResponse()
        }
        client.send("GET /fail?kind=problem HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await client.readResponse()
        // A second connection most likely lands on the other loop: counts are summed over loops.
        let other = try host.client()
        other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await other.readResponse()

        client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        let metrics = try await client.readResponse()
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains("http_requests_total{function=\"hello\",code=\"200\"} 4\n"))
        #expect(text.contains("http_requests_total{function=\"fail\",code=\"409\"} 1\n"))
        #expect(text.contains("http_request_duration_seconds_count{function=\"hello\"} 4\n"))
        #expect(text.contains("http_request_duration_seconds_bucket{function=\"hello\",le=\"+Inf\"} 4\n"))
        #expect(text.contains("http_requests_in_flight{function=\"wait\"} 0\n"))
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
        #expect(await host.stop())
    }

    @Test func inFlightGaugeShowsWaitingRequests() async throws {
        let host = try await LiveHost.start()
        let gate = Gates.gate("gauge")
        let waiting = try host.client()
        waiting.send("GET /wait?gate=gauge HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitForArrivals(1)
        let client = try host.client()
        client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text.contains("http_requests_in_flight{function=\"wait\"} 1\n"))
        gate.open()
        #expect(try await waiting.readResponse().status == 200)
        #expect(await host.stop())
    }

    @Test func accessLogHasOneJSONLinePerRequest() async throws {
        let host = try await LiveHost.start(loops: 1)
        let client = try host.client()
        client.send("GET /items/9?q=1 HTTP/1.1\r\nHost: x\r\nX-Request-ID: log-test\r\n\r\n")
        _ = try await client.readResponse()
        let line = try #require(host.accessLog.first { $0.contains("log-test") })
        for field in [
            "\"ts\":\"", "\"level\":\"info\"", "\"service\":\"probe\"", "\"function\":\"item\"", "\"method\":\"GET\"",
            "\"path\":\"/items/9\"", "\"status\":200", "\"duration_ms\":", "\"bytes\":14",
        ] {
            #expect(line.contains(field), "missing \(field) in \(line)")
        }
        #expect(await host.stop())
    }

    @Test func healthAndReadiness() async throws {
        let host = try await LiveHost.start()
        let client = try host.client()
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        client.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(try await client.readResponse().status == 405)
        #expect(await host.stop())
    }
}
