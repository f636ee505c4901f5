import Foundation
import SokoDeploy
import SokoManifest
import Testing
import Yams

@Suite("The compose stack generated from the manifests")
struct ComposeStackTests {
    @Test func theCommittedFilesAreCurrent() throws {
        let manifests = try NginxGatewayTests.manifests()
        for file in ComposeStack(manifests: manifests).render() {
            let committed = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/" + file.path, encoding: .utf8)
            #expect(file.text == committed, "docker/\(file.path) is stale: run `soko render compose`")
        }
    }

    @Test func everyServiceRunsWithAHealthcheckBehindTheGateway() throws {
        let text = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/compose.yaml", encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        let containers = try #require(compose["services"] as? [String: Any])
        for name in ["gateway", "postgres", "consul", "loki", "alloy", "prometheus", "grafana"] {
            #expect(containers[name] != nil, "\(name) is missing")
        }
        let gateway = try #require(containers["gateway"] as? [String: Any])
        #expect((gateway["ports"] as? [String])?.contains("8080:8080") == true)
        let waitsFor = try #require(gateway["depends_on"] as? [String: Any])
        let initSQL = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/postgres/init.sql", encoding: .utf8)
        let prometheus = try String(
            contentsOfFile: NginxGatewayTests.repository + "/docker/prometheus/prometheus.yml", encoding: .utf8)
        for manifest in try NginxGatewayTests.manifests() {
            let container = try #require(containers[manifest.service] as? [String: Any], "\(manifest.service) is missing")
            #expect((container["command"] as? [String]) == ["serve", "--service", manifest.service])
            let check = try #require(container["healthcheck"] as? [String: Any])
            #expect((check["test"] as? [String]) == ["CMD", "/usr/local/bin/soko", "health"])
            #expect((container["expose"] as? [String]) == ["8080"])
            let environment = try #require(container["environment"] as? [String: Any])
            #expect((environment["SOKO_DATABASE_URL"] as? String)?.hasSuffix("/\(manifest.service)") == true)
            #expect(
                environment["SOKO_SERVICE_URL_\(manifest.service.uppercased())"] as? String == "http://\(manifest.service):8080")
            #expect(waitsFor[manifest.service] != nil)
            #expect(initSQL.contains("CREATE DATABASE \(manifest.service);"))
            #expect(prometheus.contains("targets: [\"\(manifest.service):8080\"]"))
        }
    }
}
