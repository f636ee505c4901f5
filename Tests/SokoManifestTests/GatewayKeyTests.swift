import SokoManifest
import Testing

/// `gateway:` — the nginx gateway's own rules for a function's routes, named in its manifest (the
/// runtime knows no shop's functions).
@Suite("ManifestParser: gateway")
struct GatewayKeyTests {
    static func parse(_ entry: String, trigger: String = "http: POST /hooks/{token}") throws(ManifestError) -> FunctionManifest {
        let yaml = "service: hooks\nfunctions:\n  hook:\n    \(trigger)\n    auth: public\n    gateway: \(entry)\n"
        return try ManifestParser.parse(yaml: yaml, file: "hooks.yaml").functions[0]
    }

    @Test func rateLimitAndAllowlist() throws {
        let hook = try Self.parse(
            "{ rateLimit: { requests: 30, per: 1s, burst: 10 }, allow: [10.1.2.3, 196.201.213.0/24, \"2001:db8::/32\"] }")
        #expect(hook.gateway.rateLimit == GatewayRateLimit(requests: 30, per: .second, burst: 10))
        #expect(hook.gateway.allow == ["10.1.2.3", "196.201.213.0/24", "2001:db8::/32"])
        let plain = try ManifestParser.parse(
            yaml: "service: hooks\nfunctions:\n  hook:\n    http: GET /a\n    auth: public\n", file: "hooks.yaml")
        #expect(plain.functions[0].gateway == GatewayPolicy())
    }

    @Test(arguments: [
        ("{ rateLimit: { requests: 10, per: 2m } }", "must be 1s or 1m"),
        ("{ rateLimit: { requests: 10 } }", "needs requests and per"),
        ("{ rateLimit: { requests: 0, per: 1m } }", "at least 1"),
        ("{ allow: [not-an-address] }", "is not an address or a CIDR network"),
        ("{ allow: [10.0.0.0/999] }", "is not an address or a CIDR network"),
        ("{ colour: blue }", "unknown key"),
    ])
    func refusals(_ entry: String, _ message: String) {
        let error = #expect(throws: ManifestError.self) { try Self.parse(entry) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func onlyHTTPFunctionsHaveGatewayRules() {
        let error = #expect(throws: ManifestError.self) {
            try Self.parse("{ allow: [10.0.0.1] }", trigger: "event: order.placed")
        }
        #expect(error?.description.contains("applies to HTTP routes only") == true)
    }
}

/// `identity:` — which service issues the tokens, and through which functions.
@Suite("ManifestParser: identity")
struct IdentityKeyTests {
    static let functions = """
        functions:
          issue:
            http: POST /auth/issue
            auth: public
          keys:
            http: GET /auth/keys
            auth: public
          onEvent:
            event: thing.happened
        """

    @Test func theProviderAndItsEndpointsAreFoundByName() throws {
        let manifest = try ManifestParser.parse(
            yaml: "service: auth\nidentity: { token: issue, jwks: keys }\n" + Self.functions, file: "auth.yaml")
        #expect(manifest.identity == IdentityProvider(tokenFunction: "issue", jwksFunction: "keys"))
        let found = try #require(IdentityEndpoints.find(in: [manifest]))
        #expect(found.service == "auth" && found.token.path == "/auth/issue" && found.token.method == "POST")
        #expect(found.jwks.path == "/auth/keys" && found.jwks.unit == "auth")
        try ManifestValidator.validate([manifest], handlers: ["auth": ["issue", "keys", "onEvent"]])
    }

    @Test(arguments: [
        ("identity: { token: issue }", "needs token and jwks"),
        ("identity: { token: nothing, jwks: keys }", "no function named \"nothing\""),
        ("identity: { token: onEvent, jwks: keys }", "has no http route"),
    ])
    func refusals(_ line: String, _ message: String) {
        let error = #expect(throws: ManifestError.self) {
            let manifest = try ManifestParser.parse(yaml: "service: auth\n\(line)\n" + Self.functions, file: "auth.yaml")
            try ManifestValidator.validate([manifest], handlers: ["auth": ["issue", "keys", "onEvent"]])
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func oneServiceIssuesTheTokens() throws {
        let first = try ManifestParser.parse(
            yaml: "service: auth\nidentity: { token: issue, jwks: keys }\n" + Self.functions, file: "auth.yaml")
        let second = try ManifestParser.parse(
            yaml: "service: auth-two\nidentity: { token: issue, jwks: keys }\n"
                + Self.functions.replacingOccurrences(of: "/auth/", with: "/auth2/"), file: "auth-two.yaml")
        let error = #expect(throws: ManifestError.self) {
            try ManifestValidator.validate(
                [first, second], handlers: ["auth": ["issue", "keys", "onEvent"], "auth-two": ["issue", "keys", "onEvent"]])
        }
        #expect(error?.description.contains("already declares the identity provider") == true)
    }
}
