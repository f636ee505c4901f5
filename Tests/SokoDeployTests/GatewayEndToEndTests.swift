import Foundation
import SokoDeploy
import SokoManifest
import SokoTesting
import Testing

/// Production's shape on loopback: a process per deployment unit as the manifests declare them
/// (`soko serve --unit X`: a service's functions deployed with it, or a function deployed on
/// its own: `catalog.getProduct` and `payments.mpesaCallback`), the real nginx in front with the
/// configuration `soko render nginx` generates, and the whole purchase walked through the gateway:
/// register → cart → order → M-Pesa (the sandbox posts its callback through the gateway, to the
/// callback's own process) → paid → the emails written.
@Suite("The purchase through the nginx gateway, a process per deployment unit", .timeLimit(.minutes(3)))
struct GatewayEndToEndTests {
    static let serviceSecret = "a service secret for the gateway test"

    final class Processes: @unchecked Sendable {
        var running: [Process] = []
        func stop() {
            for process in running where process.isRunning { process.terminate() }
            for process in running { process.waitUntilExit() }
        }
    }

    /// One HTTP exchange through curl: status, headers (lower-cased names), body.
    static func http(
        _ method: String, _ url: String, headers: [String] = [], json: String? = nil
    ) async throws -> (status: Int, headers: [String: String], body: [String: Any], text: String) {
        var arguments = ["curl", "-s", "-i", url, "--max-time", "20"] + (method == "HEAD" ? ["-I"] : ["-X", method])
        for header in headers { arguments += ["-H", header] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        let (_, output) = try await NginxGatewayTests.run(arguments)
        let parts = output.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let text = parts.dropFirst().joined(separator: "\r\n\r\n")
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (status, fields, body, text)
    }

    static func waitReady(_ url: String) async throws -> Bool {
        for _ in 0..<400 {
            if (try? await http("GET", url))?.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    @Test func aPurchaseThroughTheGateway() async throws {
        let binary = NginxGatewayTests.repository + "/.build/debug/soko"
        guard FileManager.default.isExecutableFile(atPath: binary),
            (try? await NginxGatewayTests.run(["nginx", "-v"]))?.status == 0
        else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "soko or nginx missing under CI")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-gateway-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let manifests = try ManifestLoader.load(directory: NginxGatewayTests.repository + "/manifests/functions")
        let units = manifests.flatMap(\.units)
        #expect(units.contains { $0.name == "catalog-get-product" } && units.contains { $0.name == "payments-mpesa-callback" })
        let ports = Dictionary(uniqueKeysWithValues: try units.map { ($0.name, try LoopbackPort.free()) })
        let gatewayPort = try LoopbackPort.free()
        let gateway = "http://127.0.0.1:\(gatewayPort)"
        let secretHash = try await NginxGatewayTests.run([
            "python3", "-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", Self.serviceSecret,
        ]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "SOKO_DATA": folder, "SOKO_MANIFESTS": NginxGatewayTests.repository + "/manifests/functions",
            "SOKO_ACCESS_LOG": "off", "SOKO_LOOPS": "1", "SOKO_ARGON2_MEMORY_KIB": "1024",
            "SOKO_TOKEN_ISSUER": "https://soko.test", "SOKO_PUBLIC_URL": gateway,
            "SOKO_JWKS_URL": "http://127.0.0.1:\(ports["users"]!)/.well-known/jwks.json",
            "SOKO_SERVICE_CLIENT_ID": "platform", "SOKO_SERVICE_CLIENT_SECRET": Self.serviceSecret,
            "SOKO_OAUTH_CLIENTS": #"[{"client_id":"platform","secret_sha256":"\#(secretHash)","internal":true}]"#,
            "SOKO_DARAJA_BASE_URL": "http://127.0.0.1:\(ports["sandbox"]!)/_sandbox/daraja",
            "SOKO_STRIPE_BASE_URL": "http://127.0.0.1:\(ports["sandbox"]!)/_sandbox/stripe",
            "SOKO_SANDBOX_CALLBACK_DELAY_MS": "50", "SOKO_EVENT_POLL_MS": "100", "SOKO_MAIL_DIR": folder + "/mail",
        ]) { _, new in new }
        for (unit, port) in ports {
            environment["SOKO_SERVICE_URL_\(unit.uppercased().replacingOccurrences(of: "-", with: "_"))"] =
                "http://127.0.0.1:\(port)"
        }
        let processes = Processes()
        defer { processes.stop() }

        // The demo catalog, then a process per unit.
        let seeded = try await ChildProcess.run(binary, ["seed"], environment: environment)
        #expect(seeded.status == 0, "\(seeded.error)")
        for unit in units {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = unit.serveArguments + ["--host", "127.0.0.1", "--port", "\(ports[unit.name]!)"]
            process.environment = environment
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            processes.running.append(process)
        }
        for unit in units {
            let ready = try await Self.waitReady("http://127.0.0.1:\(ports[unit.name]!)/readyz")
            try #require(ready, "\(unit.name) did not become ready")
        }

        // The real nginx with the generated configuration (no allowlist: the sandbox calls back).
        let text = try NginxGateway(
            manifests: manifests,
            options: .init(
                listen: "127.0.0.1:\(gatewayPort)",
                upstreams: Dictionary(uniqueKeysWithValues: ports.map { ($0.key, "127.0.0.1:\($0.value)") }),
                allowlistOverride: [],
                pidFile: folder + "/nginx.pid")
        ).render()
        try text.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        nginx.arguments = ["nginx", "-p", folder, "-c", folder + "/nginx.conf", "-g", "daemon off;"]
        nginx.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        nginx.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try nginx.run()
        processes.running.append(nginx)
        try #require(try await Self.waitReady(gateway + "/products?limit=1"), "nginx did not start")

        // The gateway's own rules.
        // The gateway's own /healthz answers; the hosts' readiness and metrics are not routed.
        let health = try await Self.http("GET", gateway + "/healthz")
        #expect(health.status == 200 && health.body["status"] as? String == "ok")
        #expect(health.headers["strict-transport-security"] == NginxGateway.hsts)
        #expect(try await Self.http("GET", gateway + "/readyz").status == 404)
        #expect(try await Self.http("GET", gateway + "/metrics").status == 404)
        #expect(try await Self.http("GET", gateway + "/hello").status == 404)
        #expect(try await Self.http("GET", gateway + "/_sandbox/daraja/oauth/v1/generate").status == 404)
        #expect(try await Self.http("POST", gateway + "/internal/cart/checkout", json: "{}").status == 404)
        let traced = try await Self.http("GET", gateway + "/products?limit=2", headers: ["X-Request-ID: trace-me-123"])
        #expect(traced.status == 200)
        #expect(traced.headers["x-request-id"] == "trace-me-123")
        let head = try await NginxGatewayTests.run([
            "curl", "-s", "-D", "-", "-o", "/dev/null", "-H", "X-Request-ID: once-only", gateway + "/products?limit=1",
        ]).output
        #expect(head.components(separatedBy: "X-Request-ID: once-only").count == 2, "one X-Request-ID header: \(head)")
        // nginx's own refusals speak problem+json too.
        let tooLarge = try await Self.http(
            "POST", gateway + "/cart/items", json: #"{"product_id":"\#(String(repeating: "x", count: 20_000))","quantity":1}"#)
        #expect(tooLarge.status == 413 && tooLarge.headers["content-type"] == "application/problem+json", "\(tooLarge.text)")
        #expect(tooLarge.body["code"] as? String == "body-too-large")

        // Functions deployed on their own: the service's process does not serve them, the gateway
        // sends each method of /products/{id} to the unit that does.
        let item = try #require((traced.body["items"] as? [[String: Any]])?.first?["id"] as? String, "\(traced.text)")
        #expect(try await Self.http("GET", "http://127.0.0.1:\(ports["catalog"]!)/products/\(item)").status == 405)
        #expect(try await Self.http("GET", "http://127.0.0.1:\(ports["catalog-get-product"]!)/products/\(item)").status == 200)
        #expect(try await Self.http("POST", "http://127.0.0.1:\(ports["payments"]!)/webhooks/mpesa/x", json: "{}").status == 404)
        let viewed = try await Self.http("GET", gateway + "/products/\(item)")
        #expect(viewed.status == 200 && viewed.body["id"] as? String == item, "\(viewed.text)")
        #expect(try await Self.http("HEAD", gateway + "/products/\(item)").status == 200)
        // PATCH reaches catalog (which asks for an admin token), not getProduct's process (a 405).
        #expect(try await Self.http("PATCH", gateway + "/products/\(item)", json: "{}").status == 401)
        // A method no function takes: the gateway's own 405, naming every method of the path.
        let put = try await Self.http("PUT", gateway + "/products/\(item)", json: "{}")
        #expect(put.status == 405 && put.headers["allow"] == "GET, HEAD, PATCH, DELETE", "\(put.headers)")
        #expect(put.headers["content-type"] == "application/problem+json")

        // The purchase.
        let email = "gateway-shopper@example.com"
        let registered = try await Self.http(
            "POST", gateway + "/users/register", json: #"{"email":"\#(email)","password":"long enough pw","name":"Achieng"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        let login = try await Self.http(
            "POST", gateway + "/auth/login", json: #"{"email":"\#(email)","password":"long enough pw"}"#)
        let token = try #require(login.body["access_token"] as? String, "\(login.text)")
        let search = try await Self.http("GET", gateway + "/products?q=tea&in_stock=true&limit=1")
        let product = try #require((search.body["items"] as? [[String: Any]])?.first?["id"] as? String, "\(search.text)")
        let added = try await Self.http(
            "POST", gateway + "/cart/items", headers: ["Authorization: Bearer \(token)"],
            json: #"{"product_id":"\#(product)","quantity":1}"#)
        #expect(added.status == 200, "\(added.text)")
        let placed = try await Self.http(
            "POST", gateway + "/orders", headers: ["Authorization: Bearer \(token)", "Idempotency-Key: gw-1"],
            json: #"{"shipping_address":{"name":"Achieng","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}}"#)
        let order = try #require(placed.body["id"] as? String, "\(placed.text)")
        let paid = try await Self.http(
            "POST", gateway + "/orders/\(order)/pay", headers: ["Authorization: Bearer \(token)"],
            json: #"{"method":"mpesa","phone":"254708374149"}"#)
        #expect(paid.status == 202, "\(paid.text)")
        var status = ""
        for _ in 0..<400 where status != "paid" {
            status =
                try await Self.http("GET", gateway + "/orders/\(order)", headers: ["Authorization: Bearer \(token)"]).body[
                    "status"]
                as? String ?? ""
            if status != "paid" { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == "paid")

        // The emails: welcome, address verification, order confirmation, receipt, written by the
        // notifications process.
        var mails: [String] = []
        for _ in 0..<400 where mails.count < 4 {
            mails = ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/mail")) ?? []).filter {
                $0.hasSuffix(".eml")
            }
            if mails.count < 4 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(mails.count == 4)

        // Last, as it spends this address's sign-in budget: the rate limit answers 429 problems.
        var limited: (status: Int, headers: [String: String], body: [String: Any], text: String)?
        for _ in 0..<20 where limited == nil {
            let attempt = try await Self.http("POST", gateway + "/oauth/token", json: "{}")
            if attempt.status == 429 { limited = attempt }
        }
        let refused = try #require(limited, "no 429 after 20 quick token requests")
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(refused.headers["retry-after"] == "10")
        #expect(refused.body["status"] as? Int == 429)
    }
}
