import Foundation
import SokoDeploy
import SokoManifest
import Testing

/// The generators with a set of manifests other than the shop's: `examples.yaml` alone.
@Suite("Deployment files for the Examples manifest alone")
struct ExamplesAloneRenderTests {
    /// The manifests of a folder holding only a copy of the repository's `examples.yaml`.
    static func manifests() throws -> [ServiceManifest] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-examples-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(
            atPath: NginxGatewayTests.repository + "/manifests/functions/examples.yaml", toPath: folder + "/examples.yaml")
        return try ManifestLoader.load(directory: folder)
    }

    @Test func nginxRoutesTheExamplesInDevelopmentAndNothingInProduction() throws {
        let development = try NginxGateway(manifests: try Self.manifests(), options: .init(environment: "development"))
            .render()
        #expect(development.contains("/hello"))
        #expect(development.contains("/echo"))
        let production = try NginxGateway(manifests: try Self.manifests(), options: .init(environment: "production")).render()
        #expect(!production.contains("/hello"))
    }

    @Test func kubernetesAndComposeRenderWithoutTheShop() throws {
        let kubernetes = Dictionary(
            uniqueKeysWithValues: try KubernetesManifests(manifests: try Self.manifests()).render().map { ($0.path, $0.text) })
        #expect(kubernetes["overlays/dev/examples.yaml"]?.contains("name: examples") == true)
        // No shop setting is written when no shop manifest provides it.
        #expect(kubernetes.values.allSatisfy { !$0.contains("_sandbox") && !$0.contains("SOKO_DARAJA") })
        let compose = try ComposeStack(manifests: try Self.manifests(), values: nil).render()
        #expect(!compose.isEmpty)
        #expect(compose.allSatisfy { !$0.text.contains("_sandbox") && !$0.text.contains("SOKO_DARAJA") })
    }
}
