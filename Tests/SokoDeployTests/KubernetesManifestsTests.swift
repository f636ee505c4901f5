import Foundation
import SokoDeploy
import SokoManifest
import Testing

@Suite("The Kubernetes objects generated from the manifests")
struct KubernetesManifestsTests {
    static func rendered() throws -> [(path: String, text: String)] {
        let manifests = try NginxGatewayTests.manifests()
        return KubernetesManifests(manifests: manifests, gatewayConfig: try NginxGateway(manifests: manifests).render()).render()
    }

    @Test func theCommittedFilesAreCurrent() throws {
        for file in try Self.rendered() {
            let committed = try String(
                contentsOfFile: NginxGatewayTests.repository + "/manifests/k8s/" + file.path, encoding: .utf8)
            #expect(file.text == committed, "manifests/k8s/\(file.path) is stale: run `soko render k8s`")
        }
    }

    @Test func eachServiceScalesOnItsRequestRate() throws {
        let files = Dictionary(uniqueKeysWithValues: try Self.rendered().map { ($0.path, $0.text) })
        for manifest in try NginxGatewayTests.manifests() where manifest.service != "sandbox" {
            let text = try #require(files["base/\(manifest.service).yaml"])
            let rps = manifest.functions.map(\.scale.rps).min() ?? 100
            #expect(text.contains("metric: { name: http_requests_per_second }"))
            #expect(text.contains("target: { type: AverageValue, averageValue: \"\(rps)\" }"))
            #expect(text.contains("kind: PodDisruptionBudget"))
            #expect(text.contains("readOnlyRootFilesystem: true") && text.contains("runAsNonRoot: true"))
            #expect(text.contains("path: /readyz") && text.contains("path: /healthz"))
        }
        #expect(files["base/payments.yaml"]?.contains("minReplicas: 1") == true)
        #expect(files["base/prometheus-adapter-rules.yaml"]?.contains("as: \"http_requests_per_second\"") == true)
        #expect(files["base/alloy.yaml"]?.contains("kind: DaemonSet") == true)
        #expect(files["base/alloy.yaml"]?.contains("loki/api/v1/push") == true)
    }

    @Test(arguments: ["dev", "prod", "keda"])
    func theOverlayBuildsAndValidates(_ overlay: String) throws {
        // kubectl comes with the machine (it is not a Debian package); without it the overlays are
        // not built here, but kubernetes-validate (installed by the test command) must be present.
        guard (try? NginxGatewayTests.run(["kubectl", "version", "--client"]))?.status == 0 else { return }
        guard (try? NginxGatewayTests.run(["kubernetes-validate", "--version"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "kubernetes-validate is missing under CI")
            return
        }
        let built = try NginxGatewayTests.run([
            "kubectl", "kustomize", NginxGatewayTests.repository + "/manifests/k8s/overlays/\(overlay)",
        ])
        #expect(built.status == 0, "\(built.output.prefix(2000))")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soko-\(overlay)-\(UUID().uuidString).yaml").path
        try built.output.write(toFile: file, atomically: true, encoding: .utf8)
        let validated = try NginxGatewayTests.run(["kubernetes-validate", "--strict", file])
        #expect(validated.status == 0, "\(validated.output.suffix(2000))")
        #expect(built.output.contains("kind: HorizontalPodAutoscaler") == (overlay != "keda"))
    }
}
