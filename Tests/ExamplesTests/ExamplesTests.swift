import Examples
import Foundation
import SokoFunctions
import SokoTesting
import Testing

/// The Examples bundle, invoked in-process through the router and middleware with the
/// repository's own manifest (no sockets).
@Suite("Examples bundle")
struct ExamplesTests {
    static let manifests = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
    static var manifestsDirectory: String { "/" + manifests + "/manifests/functions" }

    /// The repository's own examples manifest.
    static var manifest: String {
        get throws { try String(contentsOfFile: manifestsDirectory + "/examples.yaml", encoding: .utf8) }
    }

    func makeHost() async throws -> TestHost {
        try await TestHost(bundles: [ExamplesBundle.self], manifests: ["examples.yaml": try Self.manifest])
    }

    @Test func helloSaysHelloAsPlainText() async throws {
        let host = try await makeHost()
        let response = await host.request("GET", "/hello")
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.headers["Content-Type"]?.hasPrefix("text/plain") == true)
        #expect(response.headers["X-Request-ID"] != nil)
        #expect(await host.shutdown())
    }

    @Test func helloAndEchoAnswerWithoutSuspending() {
        let compute = ComputePool(threads: 1)
        defer { compute.shutdown() }
        let handlers = ExamplesBundle.registry(compute: compute).handlers
        // Their synchronous form lets the host answer them on the loop, with no task.
        #expect(handlers["hello"]?.synchronous != nil)
        #expect(handlers["echo"]?.synchronous != nil)
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,null,"x"],"c":{"d":2.5}}"#, "[]", "42", #""text""#, "null", "9007199254740993",
    ])
    func echoReturnsTheJSONItWasSent(_ json: String) async throws {
        let host = try await makeHost()
        let response = await host.request("POST", "/echo", headers: ["Content-Type": "application/json"], body: Array(json.utf8))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let sent = try JSONValueRoundTrip.parse(json)
        #expect(try response.json(JSONValue.self) == sent)
        #expect(await host.shutdown())
    }

    @Test(arguments: [#"{"a":"#, "not json", "{'a':1}", ""])
    func echoRefusesMalformedJSONWithProblem(_ body: String) async throws {
        let host = try await makeHost()
        let response = await host.request("POST", "/echo", headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let problem = try #require(response.problem)
        #expect(problem.status == 400)
        #expect(problem.type.hasPrefix("urn:soko:problem:"))
        #expect(problem.requestID == response.headers["X-Request-ID"])
        #expect(await host.shutdown())
    }

    @Test func echoOverItsBodyLimitIs413() async throws {
        let host = try await makeHost()
        let big = "[" + String(repeating: "1,", count: 600_000) + "1]"
        let response = await host.request("POST", "/echo", body: Array(big.utf8))
        #expect(response.status == 413)
        #expect(await host.shutdown())
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let host = try await makeHost()
        let response = await host.request("DELETE", "/hello")
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD")
        #expect(await host.shutdown())
    }
}

enum JSONValueRoundTrip {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONCoding.decode(JSONValue.self, from: Array(text.utf8))
    }
}

@Suite("Host endpoints in-process")
struct HostEndpointTests {
    @Test func readinessFollowsTheHostState() async throws {
        let host = try await TestHost(bundles: [ExamplesBundle.self], manifests: ["examples.yaml": try ExamplesTests.manifest])
        #expect(await host.request("GET", "/readyz").status == 200)
        #expect(await host.request("HEAD", "/healthz").status == 200)
        #expect(await host.request("HEAD", "/healthz").body.isEmpty)
        let metrics = await host.request("GET", "/metrics")
        #expect(metrics.text.contains("# TYPE http_requests_total counter"))
        #expect(await host.shutdown())
    }
}
