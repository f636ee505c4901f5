import SokoHTTP
import SokoManifest
import Testing

@testable import SokoHost

@Suite("Readiness")
struct ReadinessTests {
    @Test func readyzIs503OnceTheHostStopsBeingReady() async throws {
        let host = try FunctionHost(
            manifests: [try ManifestParser.parse(yaml: ProbeBundle.manifest, file: "probe.yaml")],
            bundles: [ProbeBundle.self], configuration: HostConfiguration(accessLog: .discard))
        let invoker = try await InProcessInvoker.start(host)
        let readyz = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/readyz", headers: ["Host": "x"]))
        #expect(await invoker.invoke(readyz).status == 200)
        host.readiness.set(false)  // what a drain does first
        let draining = await invoker.invoke(readyz)
        #expect(draining.status == 503)
        #expect(draining.headers["Retry-After"] == "1")
        #expect(draining.headers["Content-Type"] == "application/problem+json")
        // Liveness is unaffected.
        let healthz = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/healthz", headers: ["Host": "x"]))
        #expect(await invoker.invoke(healthz).status == 200)
        #expect(await invoker.shutdown())
    }

    @Test func duringTheDrainDelayTheHostIsNotReadyButStillServes() async throws {
        let host = try await LiveHost.start(loops: 1, drainDelay: .seconds(3))
        let stopping = Task { await host.stop() }
        // Not ready soon after stopping began…
        var status = 0
        for _ in 0..<500 where status != 503 {
            let probe = try host.client()
            probe.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            status = try await probe.readResponse().status
            if status != 503 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(status == 503)
        // …yet a new connection is still served, as load balancers catch up.
        let late = try host.client()
        late.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await late.readResponse().status == 200)
        #expect(await stopping.value)
    }
}
