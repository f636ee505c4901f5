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
            #expect(file.text == committed, "docker/\(file.path) is stale: run `soko render compose --template`")
        }
    }

    @Test func theComposeGatewayFindsServicesThroughConsulDNSAndNginxAcceptsIt() async throws {
        let manifests = try NginxGatewayTests.manifests()
        let text = try NginxGateway(manifests: manifests, options: .init(allowlistOverride: [], consulDNS: "consul:8600"))
            .render()
        #expect(text.contains("resolver consul:8600 valid=5s ipv6=off;"))
        #expect(text.contains("set $soko_upstream orders.service.consul;"))
        #expect(!text.contains("upstream soko_"))
        // Functions deployed on their own are found under their own names.
        #expect(text.contains("set $soko_upstream payments-mpesa-callback.service.consul;"))
        #expect(text.contains("\"~^(GET|HEAD)$\" catalog-get-product.service.consul;"))
        guard (try? await NginxGatewayTests.run(["nginx", "-v"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "nginx is not installed under CI")
            return
        }
        // `nginx -t` needs the resolver's name to resolve: loopback stands in for the consul container.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let local = try NginxGateway(
            manifests: manifests,
            options: .init(
                listen: "127.0.0.1:18081", allowlistOverride: [], pidFile: folder + "/nginx.pid", consulDNS: "127.0.0.1:8600")
        ).render()
        try local.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let tested = try await NginxGatewayTests.run(["nginx", "-t", "-q", "-p", folder, "-c", folder + "/nginx.conf"])
        #expect(tested.status == 0, "\(tested.output)")
    }

    /// The example the operator copies flags the platform's own client internal: without it, the
    /// services' tokens would lose the service role (internal routes and events).
    @Test func theExampleEnvironmentFlagsThePlatformClientInternal() throws {
        let example = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/.env.example", encoding: .utf8)
        let line = try #require(example.split(separator: "\n").first { $0.hasPrefix("SOKO_OAUTH_CLIENTS=") })
        #expect(line.contains(#""client_id":"platform""#) && line.contains(#""internal":true"#))
    }

    static func compose() throws -> [String: Any] {
        let text = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/compose.yaml", encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func everyServiceRunsWithAHealthcheckBehindTheGateway() throws {
        let compose = try Self.compose()
        let containers = try #require(compose["services"] as? [String: Any])
        for name in ["gateway", "postgres", "consul", "consul-acl", "loki", "alloy", "prometheus", "grafana"] {
            #expect(containers[name] != nil, "\(name) is missing")
        }
        let gateway = try #require(containers["gateway"] as? [String: Any])
        let waitsFor = try #require(gateway["depends_on"] as? [String: Any])
        let initSQL = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/postgres/init.sql", encoding: .utf8)
        let prometheus = try String(
            contentsOfFile: NginxGatewayTests.repository + "/docker/prometheus/prometheus.yml", encoding: .utf8)
        let bootstrap = try String(
            contentsOfFile: NginxGatewayTests.repository + "/docker/consul/bootstrap.sh", encoding: .utf8)
        for manifest in try NginxGatewayTests.manifests() {
            guard manifest.isServed(in: "production") else {
                // Production compose: no sandbox, no examples.
                #expect(manifest.units.allSatisfy { containers[$0.name] == nil }, "\(manifest.service) is development-only")
                continue
            }
            #expect(initSQL.contains("CREATE DATABASE \(manifest.service);"))
            for unit in manifest.units {
                let container = try #require(containers[unit.name] as? [String: Any], "\(unit.name) is missing")
                #expect((container["command"] as? [String]) == unit.serveArguments)
                let check = try #require(container["healthcheck"] as? [String: Any])
                #expect((check["test"] as? [String]) == ["CMD", "/usr/local/bin/soko", "health"])
                #expect((container["expose"] as? [String]) == ["8080"])
                #expect(container["ports"] == nil, "\(unit.name) is published")
                #expect((container["env_file"] as? [String]) == ["shop.env"])
                let environment = try #require(container["environment"] as? [String: Any])
                #expect(environment["SOKO_ENV"] as? String == "production")
                // A function on its own shares its service's database.
                #expect((environment["SOKO_DATABASE_URL"] as? String)?.hasSuffix("/\(manifest.service)") == true)
                // Units find each other through Consul, not fixed URLs, each with a token of its own.
                #expect(!environment.keys.contains { $0.hasPrefix("SOKO_SERVICE_URL_") })
                #expect(environment["CONSUL_HTTP_ADDR"] as? String == "http://consul:8500")
                let variable = ComposeStack.tokenVariable(unit.name)
                #expect(environment["CONSUL_HTTP_TOKEN"] as? String == "${\(variable):?set it in docker/.env}")
                #expect(
                    bootstrap.contains(
                        "policy soko-\(unit.name) \"service \\\"\(unit.name)\\\" { policy = \\\"write\\\" } $read_rules\""))
                #expect(bootstrap.contains("token \"$\(variable)\" soko-\(unit.name) "))
                #expect(waitsFor[unit.name] != nil)
                #expect(prometheus.contains("targets: [\"\(unit.name):8080\"]"))
            }
        }
        // Production gateways, and nothing of the sandbox or a default URL.
        let anchor = try #require(compose["x-soko-environment"] as? [String: Any])
        #expect(anchor["SOKO_DARAJA_BASE_URL"] as? String == "https://api.safaricom.co.ke")
        #expect(anchor["SOKO_STRIPE_BASE_URL"] as? String == "https://api.stripe.com")
        #expect(anchor["SOKO_PUBLIC_URL"] == nil && anchor["SOKO_TOKEN_ISSUER"] == nil)
        let text = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/compose.yaml", encoding: .utf8)
        #expect(!text.contains("_sandbox") && !text.contains("localhost") && !text.contains("174379"))
        let payments = try #require((containers["payments"] as? [String: Any])?["environment"] as? [String: Any])
        #expect(payments["SOKO_STRIPE_SECRET_KEY"] as? String == "${SOKO_STRIPE_SECRET_KEY:-}")
        let callback = try #require(containers["payments-mpesa-callback"] as? [String: Any])
        #expect(
            (callback["command"] as? [String]) == ["serve", "--unit", "payments-mpesa-callback"])
    }

    @Test func onlyTheGatewayIsPublishedAndTheRestIsInternal() throws {
        let compose = try Self.compose()
        let containers = try #require(compose["services"] as? [String: [String: Any]])
        for (name, container) in containers {
            let ports = container["ports"] as? [String] ?? []
            switch name {
            case "gateway": #expect(ports == ["80:8080", "443:8443"])
            case "grafana": #expect(ports == ["127.0.0.1:3000:3000"])
            default: #expect(ports.isEmpty, "\(name) publishes \(ports)")
            }
        }
        let networks = try #require(compose["networks"] as? [String: Any])
        #expect((networks["backend"] as? [String: Any])?["internal"] as? Bool == true)
        for name in ["postgres", "consul", "consul-acl", "loki", "alloy", "prometheus"] {
            #expect((containers[name]?["networks"] as? [String]) == ["backend"], "\(name) leaves the internal network")
        }
        // Grafana asks for a password; nobody browses it anonymously.
        let grafana = try #require(containers["grafana"]?["environment"] as? [String: Any])
        #expect(grafana["GF_AUTH_ANONYMOUS_ENABLED"] as? String == "false")
        #expect(grafana["GF_SECURITY_ADMIN_PASSWORD"] as? String == "${GRAFANA_ADMIN_PASSWORD:?set it in docker/.env}")
        // Consul: ACLs on, default deny.
        let consul = try #require(containers["consul"]?["environment"] as? [String: Any])
        let config = try #require(consul["CONSUL_LOCAL_CONFIG"] as? String)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(config.replacingOccurrences(of: "${", with: "$(").utf8)) as? [String: Any]
        )
        let acl = try #require(json["acl"] as? [String: Any])
        #expect(acl["enabled"] as? Bool == true && acl["default_policy"] as? String == "deny")
        // The gateway terminates TLS with the certificate mounted from docker/tls.
        #expect((containers["gateway"]?["volumes"] as? [String])?.contains("./tls:/etc/nginx/tls:ro") == true)
        let gateway = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/gateway/nginx.conf", encoding: .utf8)
        #expect(gateway.contains("listen 8443 ssl;") && gateway.contains("ssl_certificate /etc/nginx/tls/cert.pem;"))
        #expect(gateway.contains("return 308 https://$host$request_uri;"))
    }

    @Test func theSecretsScriptFillsEveryVariableComposeRequires() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-compose-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let composeText = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/compose.yaml", encoding: .utf8)
        try composeText.write(toFile: folder + "/compose.yaml", atomically: true, encoding: .utf8)
        let script = NginxGatewayTests.repository + "/scripts/compose-secrets.sh"
        let first = try await NginxGatewayTests.run(["bash", script, folder])
        #expect(first.status == 0, "\(first.output)")
        let env = try String(contentsOfFile: folder + "/.env", encoding: .utf8)
        // Every ${NAME:?…} compose insists on is there.
        let required = Set(
            composeText.components(separatedBy: "${").dropFirst().compactMap { part -> String? in
                guard let end = part.firstIndex(of: ":"), part[end...].hasPrefix(":?") else { return nil }
                return String(part[..<end])
            })
        #expect(required.contains("SOKO_CONSUL_TOKEN_USERS") && required.contains("POSTGRES_PASSWORD"))
        for name in required { #expect(env.contains("\n\(name)=") || env.hasPrefix("\(name)="), "\(name) is missing") }
        // The platform's client is the internal one, and its hash is the secret's.
        let secret = try #require(env.split(separator: "\n").first { $0.hasPrefix("SOKO_SERVICE_CLIENT_SECRET=") }?.dropFirst(27))
        let hash = try await NginxGatewayTests.run([
            "python3", "-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", String(secret),
        ]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(env.contains(#""secret_sha256":"\#(hash)","internal":true"#))
        // A self-signed certificate for local use; a second run keeps everything.
        let subject = try await NginxGatewayTests.run(["openssl", "x509", "-noout", "-subject", "-in", folder + "/tls/cert.pem"])
        #expect(subject.output.contains("CN = localhost") || subject.output.contains("CN=localhost"), "\(subject.output)")
        #expect(try await NginxGatewayTests.run(["bash", script, folder]).status == 0)
        #expect(try String(contentsOfFile: folder + "/.env", encoding: .utf8) == env)
    }
}
