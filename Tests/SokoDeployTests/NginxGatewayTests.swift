import Foundation
import Glibc
import SokoDeploy
import SokoManifest
import SokoTesting
import Testing

@Suite("The nginx gateway generated from the manifests")
struct NginxGatewayTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func manifests() throws -> [ServiceManifest] {
        try ManifestLoader.load(directory: repository + "/manifests/functions")
    }

    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(command: arguments)
        return (result.status, result.combined)
    }

    @Test func theCommittedConfigurationIsCurrent() async throws {
        let rendered = try NginxGateway(manifests: try Self.manifests()).render()
        let committed = try String(contentsOfFile: Self.repository + "/gateway/nginx.conf", encoding: .utf8)
        #expect(rendered == committed, "gateway/nginx.conf is stale: run `soko render nginx`")
    }

    @Test func everyPublicRouteIsThereAndNothingInternal() async throws {
        let text = try NginxGateway(manifests: try Self.manifests()).render()
        for manifest in try Self.manifests() {
            for function in manifest.functions {
                guard case .http = function.trigger else { continue }
                let named =
                    text.contains("# \(manifest.service).\(function.name)")
                    || text.contains(", \(manifest.service).\(function.name)")
                if function.auth == .service {
                    #expect(!named, "\(manifest.service).\(function.name) is internal")
                } else if manifest.isServed(in: "production") {
                    #expect(named, "\(manifest.service).\(function.name) has no location")
                } else {
                    #expect(!named, "\(manifest.service).\(function.name) is development-only")
                }
            }
        }
        #expect(text.contains("location = /auth/login {"))
        #expect(text.contains("location ~ ^/orders/[^/]+/pay$ {"))
        #expect(!text.contains("/_sandbox") && !text.contains("/_soko") && !text.contains("location = /hello"))
        // The gateway answers its own /healthz; the hosts' health, readiness and metrics stay private.
        let health = try #require(text.range(of: "location = /healthz {")).upperBound
        #expect(text[health...].prefix(120).contains("return 200") && !text[health...].prefix(120).contains("proxy_pass"))
        #expect(!text.contains("/readyz {") && !text.contains("/metrics {"))
        // Development routes the examples too, and sends no HSTS.
        let development = try NginxGateway(manifests: try Self.manifests(), options: .init(environment: "development")).render()
        #expect(development.contains("location = /hello {") && !development.contains("Strict-Transport-Security"))
        #expect(text.contains("add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;"))
        // The callback token never reaches the access log.
        #expect(text.contains("\"~^/webhooks/mpesa/[^/]+$\" \"/webhooks/mpesa/[redacted]\";"))
        #expect(text.contains("\"path\":\"$soko_log_path\""))
        // Credentials are rate-limited; the M-Pesa callback is allowlisted; timeouts outlast the functions'.
        let login = try #require(text.range(of: "location = /auth/login {")).upperBound
        #expect(text[login...].prefix(300).contains("limit_req zone=soko_rate_10rm"))
        let callback = try #require(text.range(of: "location ~ ^/webhooks/mpesa/[^/]+$ {")).upperBound
        #expect(text[callback...].prefix(300).contains("if ($soko_allowed_0 = 0) { return 403; }"))
        #expect(text[callback...].prefix(400).contains("error_log stderr crit;"))
        #expect(text.contains("196.201.214.200 1;"))
        // A function deployed on its own has its own upstream; on a shared path the method decides.
        #expect(text.contains("upstream soko_payments_mpesa_callback {") && text.contains("server payments-mpesa-callback:8080;"))
        let product = try #require(text.range(of: "location ~ ^/products/[^/]+$ {")).upperBound
        #expect(text[product...].prefix(800).contains("proxy_pass http://$soko_upstream_products_p;"))
        #expect(
            text.contains(
                "map $request_method $soko_upstream_products_p {\n        default \"\";\n        \"~^(GET|HEAD)$\" soko_catalog_get_product;\n        \"~^(PATCH|DELETE)$\" soko_catalog;\n    }"
            ))
        for status in [403, 405, 413, 429, 502, 504] {
            #expect(text.contains("error_page \(status) @soko_\(status);") && text.contains("location @soko_\(status) {"))
        }
        #expect(text.contains("proxy_hide_header X-Request-ID;"))
        let sandbox = try NginxGateway(manifests: try Self.manifests(), options: .init(allowlistOverride: [])).render()
        #expect(!sandbox.contains("$soko_allowed_0") && !sandbox.contains("196.201.214.200"))
    }

    /// The gateway's rules come from the manifests' `gateway:` keys, for any bundle's functions.
    @Test func gatewayRulesComeFromTheManifests() async throws {
        let yaml = """
            service: shop
            functions:
              signIn:
                http: POST /sign-in
                auth: public
                gateway: { rateLimit: { requests: 5, per: 1m, burst: 2 } }
              search:
                http: GET /search
                auth: public
                gateway: { rateLimit: { requests: 50, per: 1s } }
              partnerHook:
                http: POST /hooks/partner
                auth: webhook
                gateway: { allow: [203.0.113.7, 198.51.100.0/24] }
              open:
                http: GET /open
                auth: public
            """
        let manifests = [try ManifestParser.parse(yaml: yaml, file: "shop.yaml")]
        let text = try NginxGateway(manifests: manifests).render()
        #expect(text.contains("limit_req_zone $binary_remote_addr zone=soko_rate_5rm:10m rate=5r/m;"))
        #expect(text.contains("limit_req_zone $binary_remote_addr zone=soko_rate_50rs:10m rate=50r/s;"))
        let signIn = try #require(text.range(of: "location = /sign-in {")).upperBound
        #expect(text[signIn...].prefix(300).contains("limit_req zone=soko_rate_5rm burst=2 nodelay;"))
        #expect(
            text.contains("geo $soko_allowed_0 {\n        default 0;\n        203.0.113.7 1;\n        198.51.100.0/24 1;\n    }"))
        let hook = try #require(text.range(of: "location = /hooks/partner {")).upperBound
        #expect(text[hook...].prefix(300).contains("if ($soko_allowed_0 = 0) { return 403; }"))
        let open = try #require(text.range(of: "location = /open {")).upperBound
        #expect(!text[open...].prefix(300).contains("limit_req") && !text[open...].prefix(300).contains("soko_allowed"))
        // An override replaces every allowlist; an empty one removes them.
        let replaced = try NginxGateway(manifests: manifests, options: .init(allowlistOverride: ["192.0.2.1"])).render()
        #expect(replaced.contains("192.0.2.1 1;") && !replaced.contains("203.0.113.7"))
        let off = try NginxGateway(manifests: manifests, options: .init(allowlistOverride: [])).render()
        #expect(!off.contains("soko_allowed"))
    }

    @Test func theDockerfilePassesHadolint() async throws {
        guard (try? await Self.run(["hadolint", "--version"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "hadolint is not installed under CI")
            return
        }
        let linted = try await Self.run(["hadolint", Self.repository + "/docker/Dockerfile"])
        #expect(linted.status == 0, "\(linted.output)")
        let dockerfile = try String(contentsOfFile: Self.repository + "/docker/Dockerfile", encoding: .utf8)
        for needed in ["--static-swift-stdlib", "USER 10001", "STOPSIGNAL SIGTERM", "HEALTHCHECK", "debian:bookworm-slim"] {
            #expect(dockerfile.contains(needed), "\(needed)")
        }
    }

    @Test func workflowsAndYAMLPassTheirLinters() async throws {
        guard (try? await Self.run(["actionlint", "-version"]))?.status == 0,
            (try? await Self.run(["yamllint", "--version"]))?.status == 0
        else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "actionlint or yamllint is not installed under CI")
            return
        }
        let actionlint = try await Self.run(["sh", "-c", "cd '\(Self.repository)' && actionlint"])
        #expect(actionlint.status == 0, "\(actionlint.output)")
        let yamllint = try await Self.run([
            "sh", "-c",
            "cd '\(Self.repository)' && yamllint -d '{extends: relaxed, rules: {line-length: {max: 160}}}' "
                + ".github/workflows docker/compose.yaml manifests",
        ])
        #expect(yamllint.status == 0, "\(yamllint.output)")
    }

    /// TLS at the gateway with the real nginx: HTTPS with HSTS, HTTP redirected (308) except the
    /// gateway's health, and the M-Pesa callback's token redacted in the access log.
    @Test func theGatewayTerminatesTLSAndRedirectsHTTP() async throws {
        guard (try? await Self.run(["nginx", "-v"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "nginx is not installed under CI")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let certificate = try await Self.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
        ])
        try #require(certificate.status == 0, "\(certificate.output)")
        let http = try LoopbackPort.free()
        let https = try LoopbackPort.free()
        let upstream = try LoopbackPort.free()  // nothing listens: proxied requests fail at once (502)
        let text = try NginxGateway(
            manifests: try Self.manifests(),
            options: .init(
                listen: "127.0.0.1:\(http)", upstreams: ["*": "127.0.0.1:\(upstream)"], allowlistOverride: ["127.0.0.1"],
                pidFile: folder + "/nginx.pid",
                tls: .init(
                    listen: "127.0.0.1:\(https)", certificate: folder + "/cert.pem", key: folder + "/key.pem", publicPort: https))
        ).render()
        try text.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        nginx.arguments = ["nginx", "-p", folder, "-c", folder + "/nginx.conf", "-g", "daemon off;"]
        FileManager.default.createFile(atPath: folder + "/access.log", contents: nil)
        nginx.standardOutput = FileHandle(forWritingAtPath: folder + "/access.log")
        FileManager.default.createFile(atPath: folder + "/error.log", contents: nil)
        nginx.standardError = FileHandle(forWritingAtPath: folder + "/error.log")
        try nginx.run()
        defer {
            nginx.terminate()
            nginx.waitUntilExit()
        }
        let base = "https://127.0.0.1:\(https)"
        func curl(_ arguments: [String]) async throws -> String {
            try await Self.run(["curl", "-s", "--cacert", folder + "/cert.pem", "--max-time", "5"] + arguments).output
        }
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/healthz"])) == "200"
            if !up { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(up, "nginx did not start: \(text.prefix(200))")
        // HTTPS, with HSTS, on the gateway's own answers too.
        let health = try await curl(["-D", "-", base + "/healthz"])
        #expect(health.contains("HTTP/1.1 200") && health.contains(#"{"status":"ok"}"#))
        #expect(health.contains("Strict-Transport-Security: max-age=31536000; includeSubDomains"))
        let missing = try await curl(["-D", "-", base + "/nowhere"])
        #expect(missing.contains("HTTP/1.1 404") && missing.contains("Strict-Transport-Security: max-age=31536000"))
        // Plain HTTP: a permanent redirect keeping method and path, except the health path.
        let redirected = try await curl(["-D", "-", "-o", "/dev/null", "-X", "POST", "http://127.0.0.1:\(http)/orders?x=1"])
        #expect(redirected.contains("HTTP/1.1 308"), "\(redirected)")
        #expect(redirected.contains("Location: https://127.0.0.1:\(https)/orders?x=1"), "\(redirected)")
        #expect(try await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(http)/healthz"]) == "200")
        // A callback whose unit is down: 502, and its token is in neither the access nor the error log
        // (another route's failure is, to show the error log is written at all).
        let token = "cbtok-\(UUID().uuidString)"
        let failed = try await curl([
            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-d", "{}", base + "/webhooks/mpesa/\(token)",
        ])
        #expect(failed == "502")
        #expect(try await curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/products/canary-\(token.suffix(6))"]) == "502")
        var log = ""
        for _ in 0..<100 where !log.contains("/webhooks/mpesa/") {
            log = (try? String(contentsOfFile: folder + "/access.log", encoding: .utf8)) ?? ""
            if !log.contains("/webhooks/mpesa/") { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(log.contains(#""path":"/webhooks/mpesa/[redacted]""#), "\(log)")
        #expect(!log.contains(token))
        let errors = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? ""
        #expect(errors.contains("/products/canary-\(token.suffix(6))"), "\(errors)")
        #expect(!errors.contains(token), "\(errors)")
    }

    @Test func nginxAcceptsTheConfiguration() async throws {
        guard (try? await Self.run(["nginx", "-v"]))?.status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "nginx is not installed under CI")
            return
        }
        // Upstream names must resolve for `nginx -t`: the compose names become loopback here.
        let manifests = try Self.manifests()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let text = try NginxGateway(
            manifests: manifests,
            options: .init(
                listen: "127.0.0.1:18080",
                upstreams: ["*": "127.0.0.1:8080", "users": "127.0.0.1:8081", "catalog": "127.0.0.1:8082"],
                pidFile: folder + "/nginx.pid")
        ).render()
        #expect(text.contains("server 127.0.0.1:8081;") && !text.contains("server users:8080;"))
        #expect(!text.contains("server catalog-get-product:8080;"))
        // A process per service: a function's own unit goes to its service's address.
        let catalogUpstream = try #require(text.range(of: "upstream soko_catalog_get_product {")).upperBound
        #expect(text[catalogUpstream...].prefix(80).contains("server 127.0.0.1:8082;"))
        try text.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let tested = try await Self.run(["nginx", "-t", "-q", "-p", folder, "-c", folder + "/nginx.conf"])
        #expect(tested.status == 0, "\(tested.output)")
    }
}
