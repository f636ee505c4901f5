import Foundation
import SokoDeploy
import SokoManifest
import Testing

/// The generators with a set of manifests other than the shop's: `examples.yaml` alone.
@Suite("Deployment files for the Examples manifest alone")
struct ExamplesAloneRenderTests {
    static func manifests() throws -> [ServiceManifest] {
        let text = try String(
            contentsOfFile: NginxGatewayTests.repository + "/manifests/functions/examples.yaml", encoding: .utf8)
        return [try ManifestParser.parse(yaml: text, file: "examples.yaml")]
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
        #expect(kubernetes.values.allSatisfy { !$0.contains("_sandbox") })
        let compose = try ComposeStack(manifests: try Self.manifests(), values: nil).render()
        #expect(!compose.isEmpty)
        #expect(compose.allSatisfy { !$0.text.contains("_sandbox") })
    }
}
