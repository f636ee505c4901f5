import Foundation
import SokoTesting
import Testing

/// `SOKO_ENV=production` end to end, through the real `soko` binary: every missing, sandbox or
/// half-configured setting stops the host with one line naming the variable; a fully configured
/// production host serves no sandbox and no examples, and refuses a webhook signed with the public
/// sandbox secret.
@Suite("production mode", .serialized)
struct ProductionModeTests {
    /// A complete, live-looking production configuration (no request leaves the machine: nothing
    /// is paid in these tests).
    static let live: [String: String] = [
        "SOKO_ENV": "production",
        "SOKO_PUBLIC_URL": "https://duka.co.ke",
        "SOKO_TOKEN_ISSUER": "https://duka.co.ke",
        "SOKO_SMTP_URL": "smtp://127.0.0.1:1",
        "SOKO_MAIL_FROM": "Duka <orders@duka.co.ke>",
        "SOKO_DARAJA_BASE_URL": "https://api.safaricom.co.ke",
        "SOKO_DARAJA_CONSUMER_KEY": "live-consumer-key-0123456789",
        "SOKO_DARAJA_CONSUMER_SECRET": "live-consumer-secret-0123456789",
        "SOKO_DARAJA_SHORTCODE": "600123",
        "SOKO_DARAJA_PASSKEY": String(repeating: "7f", count: 32),
        "SOKO_DARAJA_INITIATOR_NAME": "duka-api-operator",
        "SOKO_DARAJA_SECURITY_CREDENTIAL": "LiveEncryptedCredentialForTheTestsOnly0123456789==",
        "SOKO_STRIPE_BASE_URL": "https://api.stripe.com",
        "SOKO_AT_BASE_URL": "https://api.africastalking.com",
        "SOKO_AT_USERNAME": "duka",
        "SOKO_AT_API_KEY": "atsk_liveKeyForTheTestsOnly0123456789",
        "SOKO_SMS_SENDER_ID": "DUKA",
        "SOKO_STRIPE_SECRET_KEY": "sk_live_51LiveKeyForTheTestsOnly0123456789",
        "SOKO_STRIPE_WEBHOOK_SECRETS": "whsec_liveSecretForTheTestsOnly0123",
        // The web pages' CSRF key (console and storefront) and the card page's publishable key.
        "SOKO_WEB_SECRET": "web-secret-for-the-tests-only-0123456789",
        "SOKO_STRIPE_PUBLISHABLE_KEY": "pk_live_51LiveKeyForTheTestsOnly0123456789",
    ]

    static func data() -> [String: String] {
        ["SOKO_DATA": NSTemporaryDirectory() + "soko-production-\(UUID().uuidString)"]
    }

    /// Each case: the change to ``live`` (nil removes a variable), the variable the refusal names.
    static let refusals: [([String: String?], String)] = [
        (["SOKO_DARAJA_SECURITY_CREDENTIAL": nil], "SOKO_DARAJA_SECURITY_CREDENTIAL: is required in production"),
        (["SOKO_AT_API_KEY": nil], "SOKO_AT_API_KEY: is required in production"),
        (["SOKO_SMS_SENDER_ID": nil], "SOKO_SMS_SENDER_ID: is required in production"),
        (
            ["SOKO_AT_BASE_URL": "https://api.sandbox.africastalking.com"],
            "SOKO_AT_BASE_URL: \"https://api.sandbox.africastalking.com\" is a sandbox"
        ),
        (["SOKO_DARAJA_INITIATOR_NAME": "testapi"], "SOKO_DARAJA_INITIATOR_NAME: is the sandbox's operator"),
        (["SOKO_PUBLIC_URL": nil], "SOKO_PUBLIC_URL: is required in production"),
        (["SOKO_PUBLIC_URL": "http://duka.co.ke"], "SOKO_PUBLIC_URL: \"http://duka.co.ke\" must be https"),
        (["SOKO_PUBLIC_URL": "https://127.0.0.1:8080"], "SOKO_PUBLIC_URL: \"https://127.0.0.1:8080\" points at this machine"),
        (
            ["SOKO_PUBLIC_URL": "https://shop.example.com"],
            "SOKO_PUBLIC_URL: \"https://shop.example.com\" is a documentation placeholder"
        ),
        (["SOKO_TOKEN_ISSUER": nil], "SOKO_TOKEN_ISSUER: is required in production"),
        (["SOKO_TOKEN_ISSUER": "http://localhost:8080"], "SOKO_TOKEN_ISSUER: \"http://localhost:8080\" must be https"),
        (["SOKO_SMTP_URL": nil], "SOKO_SMTP_URL: is required in production"),
        (["SOKO_MAIL_FROM": nil], "SOKO_MAIL_FROM: is required in production"),
        (["SOKO_DARAJA_BASE_URL": nil], "SOKO_DARAJA_BASE_URL: is required in production"),
        (
            ["SOKO_DARAJA_BASE_URL": "https://duka.co.ke/_sandbox/daraja"],
            "SOKO_DARAJA_BASE_URL: \"https://duka.co.ke/_sandbox/daraja\" is the built-in payment sandbox"
        ),
        (["SOKO_DARAJA_BASE_URL": "https://sandbox.safaricom.co.ke"], "SOKO_DARAJA_BASE_URL: is Safaricom's sandbox"),
        (["SOKO_DARAJA_CONSUMER_KEY": nil], "SOKO_DARAJA_CONSUMER_KEY: is required in production"),
        (["SOKO_DARAJA_CONSUMER_SECRET": "sandbox-secret"], "SOKO_DARAJA_CONSUMER_SECRET: is the sandbox's"),
        (["SOKO_DARAJA_SHORTCODE": nil], "SOKO_DARAJA_SHORTCODE: is required in production"),
        (["SOKO_DARAJA_SHORTCODE": "174379"], "SOKO_DARAJA_SHORTCODE: is the public sandbox paybill"),
        (["SOKO_DARAJA_PASSKEY": nil], "SOKO_DARAJA_PASSKEY: is required in production"),
        (
            ["SOKO_DARAJA_PASSKEY": "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"],
            "SOKO_DARAJA_PASSKEY: is the public sandbox passkey"
        ),
        (["SOKO_STRIPE_BASE_URL": nil], "SOKO_STRIPE_BASE_URL: is required in production"),
        (["SOKO_STRIPE_SECRET_KEY": nil], "SOKO_STRIPE_SECRET_KEY: is required in production"),
        (["SOKO_STRIPE_SECRET_KEY": "sk_test_sandbox"], "SOKO_STRIPE_SECRET_KEY: must be a live key"),
        (["SOKO_STRIPE_SECRET_KEY": "sk_test_51RealTestModeKey"], "SOKO_STRIPE_SECRET_KEY: must be a live key"),
        (["SOKO_STRIPE_WEBHOOK_SECRETS": nil], "SOKO_STRIPE_WEBHOOK_SECRETS: is required in production"),
        (
            ["SOKO_STRIPE_WEBHOOK_SECRETS": "whsec_live1,whsec_sandbox"],
            "SOKO_STRIPE_WEBHOOK_SECRETS: includes the public whsec_sandbox"
        ),
        (["SOKO_ENV": "staging"], "SOKO_ENV=\"staging\" is not valid"),
        (["SOKO_RATE_LIMITS": "off"], "SOKO_RATE_LIMITS: \"off\" is for load tests"),
        (["SOKO_ARGON2_MEMORY_KIB": "1024"], "SOKO_ARGON2_MEMORY_KIB: lowers password hashing below OWASP's"),
        (["SOKO_PUBLIC_URL": "https://10.0.0.5"], "SOKO_PUBLIC_URL: \"https://10.0.0.5\" is a private network's address"),
        (["SOKO_PUBLIC_URL": "https://localhost."], "SOKO_PUBLIC_URL: \"https://localhost.\" points at this machine"),
        (["SOKO_STRIPE_WEBHOOK_SECRETS": "whsec_"], "SOKO_STRIPE_WEBHOOK_SECRETS: holds a secret too short"),
        (["SOKO_STRIPE_SECRET_KEY": "sk_live_"], "SOKO_STRIPE_SECRET_KEY: is too short"),
        (["SOKO_ENV": ""], "SOKO_ENV=\"\" is not valid"),
        (
            ["SOKO_SMTP_URL": "smtp://sandbox.smtp.mailtrap.io:2525"],
            "SOKO_SMTP_URL: Mailtrap's sandbox keeps mail in a test inbox"
        ),
        (
            ["SOKO_SMTP_URL": "smtp://live.smtp.mailtrap.io:587", "SOKO_SMTP_TLS": "off"],
            "SOKO_SMTP_TLS: off sends the SMTP password in clear"
        ),
        // Development still refuses a half-configured gateway.
        (
            ["SOKO_ENV": "development", "SOKO_STRIPE_WEBHOOK_SECRETS": nil],
            "SOKO_STRIPE_WEBHOOK_SECRETS: includes the public whsec_sandbox, but SOKO_STRIPE_BASE_URL is a real Stripe"
        ),
        (
            ["SOKO_ENV": "development", "SOKO_STRIPE_SECRET_KEY": nil],
            "SOKO_STRIPE_SECRET_KEY: is the sandbox's, but SOKO_STRIPE_BASE_URL is a real Stripe"
        ),
        (
            ["SOKO_ENV": "development", "SOKO_DARAJA_BASE_URL": nil],
            "SOKO_DARAJA_BASE_URL: is the built-in sandbox, but the shop's own M-Pesa credentials are set"
        ),
        // The shop's own credentials with no gateway URL would go to the built-in sandbox.
        (
            [
                "SOKO_ENV": "development", "SOKO_DARAJA_BASE_URL": nil, "SOKO_DARAJA_SHORTCODE": nil, "SOKO_DARAJA_PASSKEY": nil,
            ],
            "SOKO_DARAJA_BASE_URL: is the built-in sandbox, but the shop's own M-Pesa credentials are set"
        ),
        (
            [
                "SOKO_ENV": "development", "SOKO_STRIPE_BASE_URL": nil, "SOKO_STRIPE_SECRET_KEY": "sk_test_51RealTestModeKey0123",
                "SOKO_STRIPE_WEBHOOK_SECRETS": nil,
            ],
            "SOKO_STRIPE_BASE_URL: is unset (the built-in sandbox), but SOKO_STRIPE_SECRET_KEY is set"
        ),
        (
            ["SOKO_ENV": "development", "SOKO_STRIPE_BASE_URL": nil, "SOKO_STRIPE_WEBHOOK_SECRETS": nil],
            "SOKO_STRIPE_BASE_URL: is the built-in sandbox, but SOKO_STRIPE_SECRET_KEY is a live key"
        ),
    ]

    @Test(arguments: refusals)
    func missingOrSandboxSettingsStopTheHost(_ change: [String: String?], _ expected: String) async throws {
        var environment = Self.live.merging(Self.data()) { $1 }
        for (name, value) in change { environment[name] = value }
        // Variables left out must not come from the machine's own environment either.
        let unset = change.filter { $0.value == nil }.map(\.key)
        let result = try await BinaryTests.run(["serve", "--port", "0"], environment: environment, unsetting: unset)
        #expect(result.status != 0)
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 1, "one line, naming the variable: \(result.error)")
        #expect(result.error.contains(expected), "stderr: \(result.error)")
    }

    @Test func theSandboxCannotBeServedInProduction() async throws {
        let environment = Self.live.merging(Self.data()) { $1 }
        for selection in [["--service", "sandbox"], ["--unit", "sandbox"], ["--function", "sandbox.darajaStkPush"]] {
            let result = try await BinaryTests.run(["serve", "--port", "0"] + selection, environment: environment)
            #expect(result.status != 0)
            #expect(result.error.contains("the sandbox service is not served with SOKO_ENV=production"), "\(result.error)")
        }
        // The flag chooses the mode too, over the environment.
        let flagged = try await BinaryTests.run(
            ["serve", "--port", "0", "--env", "production", "--service", "examples"],
            environment: Self.live.merging(["SOKO_ENV": "development"]) { $1 })
        #expect(flagged.error.contains("the examples service is not served with SOKO_ENV=production"), "\(flagged.error)")
    }

    @Test func aManifestEditedToServeTheSandboxInProductionStillCannot() async throws {
        let folder = NSTemporaryDirectory() + "soko-manifests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let shipped = try String(
            contentsOfFile: BinaryTests.repository.path + "/manifests/functions/sandbox.yaml", encoding: .utf8)
        let edited = shipped.replacingOccurrences(of: "environments: [development]\n", with: "")
        #expect(edited != shipped)
        try edited.write(toFile: folder + "/sandbox.yaml", atomically: true, encoding: .utf8)
        let result = try await BinaryTests.run(
            ["serve", "--port", "0", "--manifests", folder], environment: Self.live.merging(Self.data()) { $1 })
        #expect(result.status != 0)
        #expect(result.error.contains("the payment sandbox never runs with SOKO_ENV=production"), "\(result.error)")
    }

    /// The platform's own client, as a split deployment configures it.
    static let platform: [String: String] = [
        "SOKO_SERVICE_CLIENT_ID": "platform", "SOKO_SERVICE_CLIENT_SECRET": "platform-secret-for-the-tests",
        // SHA-256 of "platform-secret-for-the-tests".
        "SOKO_OAUTH_CLIENTS":
            #"[{"client_id":"platform","secret_sha256":"ab7433862a05d72496be85111b22a2c4262479b9edd8d9174d08413c48850dfc","internal":true}]"#,
    ]

    @Test func aUsersPodNeedsNoPaymentSettings() async throws {
        var environment = Self.live.merging(Self.data()) { $1 }.merging(Self.platform) { $1 }
        let payments = environment.keys.filter { $0.hasPrefix("SOKO_DARAJA") || $0.hasPrefix("SOKO_STRIPE") }
        for name in payments { environment[name] = nil }
        let result = try await BinaryTests.run(
            ["check-config", "--service", "users"], environment: environment, unsetting: payments)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("ok: the host would start"))
    }

    @Test func aProcessServingPartOfTheShopNeedsThePlatformsInternalClient() async throws {
        let live = Self.live.merging(Self.data()) { $1 }
        // One process serving everything calls nothing remotely: no client needed.
        #expect(try await BinaryTests.run(["check-config"], environment: live).status == 0)
        let orders = try await BinaryTests.run(["check-config", "--unit", "orders"], environment: live)
        #expect(
            orders.status != 0 && orders.error.contains("SOKO_SERVICE_CLIENT_ID: is required in production"), "\(orders.error)")
        #expect(
            try await BinaryTests.run(["check-config", "--unit", "orders"], environment: live.merging(Self.platform) { $1 })
                .status == 0
        )
        // Users must know the platform's client as the internal one.
        var notInternal = live.merging(Self.platform) { $1 }
        notInternal["SOKO_OAUTH_CLIENTS"] = notInternal["SOKO_OAUTH_CLIENTS"]!.replacingOccurrences(
            of: #","internal":true"#, with: "")
        let users = try await BinaryTests.run(["check-config", "--service", "users"], environment: notInternal)
        #expect(users.status != 0 && users.error.contains(#"the platform's client "platform""#), "\(users.error)")
    }

    @Test func checkConfigPrintsTheSettingsWithSecretsMasked() async throws {
        let urls = [
            "SOKO_LOKI_URL": "http://lokiuser:LOKISECRET@loki:3100",
            "SOKO_DATABASE_URL": "postgresql://soko:DBSECRET@db:5432/soko?password=QUERYSECRET",
        ]
        let result = try await BinaryTests.run(
            ["check-config"], environment: Self.live.merging(Self.data()) { $1 }.merging(urls) { $1 })
        for secret in ["LOKISECRET", "DBSECRET", "QUERYSECRET"] { #expect(!result.output.contains(secret)) }
        #expect(result.output.contains("http://lokiuser:****@loki:3100"))
        #expect(result.status == 0, "\(result.error)")
        let output = result.output
        #expect(output.contains("SOKO_ENV") && output.contains("production"))
        #expect(output.contains("payments: SOKO_DARAJA_BASE_URL") && output.contains("https://api.safaricom.co.ke"))
        #expect(output.contains("payments: SOKO_DARAJA_SHORTCODE") && output.contains("600123"))
        #expect(output.contains("sk_live_… (masked"))
        for secret in [
            "SOKO_STRIPE_SECRET_KEY", "SOKO_STRIPE_WEBHOOK_SECRETS", "SOKO_DARAJA_PASSKEY", "SOKO_DARAJA_CONSUMER_SECRET",
            "SOKO_DARAJA_SECURITY_CREDENTIAL", "SOKO_AT_API_KEY",
        ] {
            #expect(!output.contains(Self.live[secret]!), "\(secret) printed in clear")
        }
        #expect(!output.contains("sandbox ("), "no sandbox unit in production")
        #expect(!output.contains("examples ("), "no examples unit in production")
        // serve --check prints the same and does not listen.
        let check = try await BinaryTests.run(
            ["serve", "--check", "--port", "0"], environment: Self.live.merging(Self.data()) { $1 })
        #expect(check.status == 0)
        #expect(check.output.contains("ok: the host would start"))
    }

    @Test func aProductionHostServesNoSandboxAndRefusesTheSandboxWebhookSecret() async throws {
        let host = try await ServingProcess.start(
            ["serve", "--host", "127.0.0.1", "--port", "0", "--loops", "1"], environment: Self.live.merging(Self.data()) { $1 })
        defer { host.stopBlocking() }
        let client = try RawClient(port: host.port)
        for path in ["/hello", "/_sandbox/stripe/v1/payment_intents/pi_1", "/_sandbox/daraja/oauth/v1/generate"] {
            client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().status == 404, "\(path)")
        }
        // The forgery of the issue: a payment_intent.succeeded signed with the public sandbox secret.
        let body =
            #"{"id":"evt_forged","type":"payment_intent.succeeded","data":{"object":{"id":"pi_forged","object":"payment_intent","amount":1000,"currency":"kes","status":"succeeded","metadata":{"order_id":"ord_x"}}}}"#
        let timestamp = Int(Date().timeIntervalSince1970)
        let signature = try await Self.hmacSHA256(key: "whsec_sandbox", message: "\(timestamp).\(body)")
        client.send(
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Stripe-Signature: t=\(timestamp),v1=\(signature)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let refused = try await client.readResponse()
        #expect(refused.status == 400)
        #expect(refused.text.contains("signature-invalid"))
    }

    @Test func renderRefusesProductionWithoutTheShopsValues() async throws {
        let folder = NSTemporaryDirectory() + "soko-render-\(UUID().uuidString)"
        for command in ["k8s", "compose"] {
            let refused = try await BinaryTests.run(["render", command, "--output", folder + "/" + command])
            #expect(refused.status != 0)
            #expect(refused.error.contains("production needs the shop's values"), "\(refused.error)")
            let local = try await BinaryTests.run([
                "render", command, "--output", folder + "/" + command, "--public-url", "http://localhost:8080",
                "--mpesa-shortcode", "600123", "--mail-from", "Duka <orders@duka.co.ke>",
            ])
            #expect(local.status != 0 && local.error.contains("public_url"), "\(local.error)")
            let sandboxPaybill = try await BinaryTests.run([
                "render", command, "--output", folder + "/" + command, "--public-url", "https://duka.co.ke",
                "--mpesa-shortcode", "174379", "--mail-from", "Duka <orders@duka.co.ke>",
            ])
            #expect(sandboxPaybill.status != 0 && sandboxPaybill.error.contains("174379"), "\(sandboxPaybill.error)")
            #expect(try await BinaryTests.run(["render", command, "--output", folder + "/" + command, "--template"]).status == 0)
        }
        let values = folder + "/shop.yaml"
        try "public_url: https://duka.co.ke\nmpesa_shortcode: \"600123\"\nmail_from: Duka <orders@duka.co.ke>\n"
            .write(toFile: values, atomically: true, encoding: .utf8)
        #expect(try await BinaryTests.run(["render", "k8s", "--output", folder + "/k8s", "--values", values]).status == 0)
        let env = try String(contentsOfFile: folder + "/k8s/overlays/prod/shop.env", encoding: .utf8)
        #expect(env.contains("SOKO_PUBLIC_URL=https://duka.co.ke\n") && env.contains("SOKO_DARAJA_SHORTCODE=600123\n"))
        #expect(FileManager.default.fileExists(atPath: folder + "/k8s/overlays/prod/ingress.yaml"))
        #expect(
            try await BinaryTests.run(["render", "compose", "--output", folder + "/compose", "--values", values]).status == 0)
        #expect(
            try String(contentsOfFile: folder + "/compose/shop.env", encoding: .utf8).contains(
                "SOKO_TOKEN_ISSUER=https://duka.co.ke"))
    }

    /// HMAC-SHA256 by Python's standard library: an implementation that is not ours.
    static func hmacSHA256(key: String, message: String) async throws -> String {
        try await ChildProcess.run(command: [
            "python3", "-c",
            "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())",
            key, message,
        ]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
