import Foundation
import SokoDeploy
import SokoManifest
import Testing
import Yams

@Suite("The compose stack generated from the manifests")
struct ComposeStackTests {
    @Test func theCommittedFilesAreCurrent() throws {
        let manifests = try NginxGatewayTests.manifests()
        for file in try ComposeStack(manifests: manifests).render() {
            let committed = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/" + file.path, encoding: .utf8)
            #expect(file.text == committed, "docker/\(file.path) is stale: run `soko render compose`")
        }
    }

    @Test func theComposeGatewayFindsServicesThroughConsulDNSAndNginxAcceptsIt() throws {
        let manifests = try NginxGatewayTests.manifests()
        let text = try NginxGateway(manifests: manifests, options: .init(mpesaAllowlist: [], consulDNS: "consul:8600")).render()
        #expect(text.contains("resolver consul:8600 valid=5s ipv6=off;"))
        #expect(text.contains("set $soko_upstream orders.service.consul;"))
        #expect(!text.contains("upstream soko_"))
        // Functions deployed on their own are found under their own names.
        #expect(text.contains("set $soko_upstream payments-mpesa-callback.service.consul;"))
        #expect(text.contains("\"~^(GET|HEAD)$\" catalog-get-product.service.consul;"))
        guard (try? NginxGatewayTests.run(["nginx", "-v"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "nginx is not installed under CI")
            return
        }
        // `nginx -t` needs the resolver's name to resolve: loopback stands in for the consul container.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let local = try NginxGateway(
            manifests: manifests,
            options: .init(
                listen: "127.0.0.1:18081", mpesaAllowlist: [], pidFile: folder + "/nginx.pid", consulDNS: "127.0.0.1:8600")
        ).render()
        try local.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let tested = try NginxGatewayTests.run(["nginx", "-t", "-q", "-p", folder, "-c", folder + "/nginx.conf"])
        #expect(tested.status == 0, "\(tested.output)")
    }

    /// The example the operator copies flags the platform's own client internal: without it, the
    /// services' tokens would lose the service role (internal routes and events).
    @Test func theExampleEnvironmentFlagsThePlatformClientInternal() throws {
        let example = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/.env.example", encoding: .utf8)
        let line = try #require(example.split(separator: "\n").first { $0.hasPrefix("SOKO_OAUTH_CLIENTS=") })
        #expect(line.contains(#""client_id":"platform""#) && line.contains(#""internal":true"#))
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
            #expect(initSQL.contains("CREATE DATABASE \(manifest.service);"))
            for unit in manifest.units {
                let container = try #require(containers[unit.name] as? [String: Any], "\(unit.name) is missing")
                #expect((container["command"] as? [String]) == unit.serveArguments)
                let check = try #require(container["healthcheck"] as? [String: Any])
                #expect((check["test"] as? [String]) == ["CMD", "/usr/local/bin/soko", "health"])
                #expect((container["expose"] as? [String]) == ["8080"])
                let environment = try #require(container["environment"] as? [String: Any])
                // A function on its own shares its service's database.
                #expect((environment["SOKO_DATABASE_URL"] as? String)?.hasSuffix("/\(manifest.service)") == true)
                // Units find each other through Consul, not fixed URLs.
                #expect(!environment.keys.contains { $0.hasPrefix("SOKO_SERVICE_URL_") })
                #expect(environment["CONSUL_HTTP_ADDR"] as? String == "http://consul:8500")
                #expect(waitsFor[unit.name] != nil)
                #expect(prometheus.contains("targets: [\"\(unit.name):8080\"]"))
            }
        }
        // Gateway callbacks go through the gateway, which knows which unit serves each.
        let anchor = try #require(compose["x-soko-environment"] as? [String: Any])
        #expect(anchor["SOKO_PUBLIC_URL"] as? String == "http://gateway:8080")
        #expect(anchor["SOKO_SANDBOX_CALLBACK_HOSTS"] as? String == "gateway")
        let payments = try #require((containers["payments"] as? [String: Any])?["environment"] as? [String: Any])
        #expect(payments["SOKO_STRIPE_SECRET_KEY"] as? String == "${SOKO_STRIPE_SECRET_KEY:-}")
        let callback = try #require(containers["payments-mpesa-callback"] as? [String: Any])
        #expect(
            (callback["command"] as? [String]) == ["serve", "--unit", "payments-mpesa-callback"])
    }
}
