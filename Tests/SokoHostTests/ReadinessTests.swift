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
        host.handler.ready.store(false, ordering: .releasing)  // what a drain does first
        let draining = await invoker.invoke(readyz)
        #expect(draining.status == 503)
        #expect(draining.headers["Retry-After"] == "1")
        #expect(draining.headers["Content-Type"] == "application/problem+json")
        // Liveness is unaffected.
        let healthz = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/healthz", headers: ["Host": "x"]))
        #expect(await invoker.invoke(healthz).status == 200)
        #expect(await invoker.shutdown())
    }
}
