import SokoManifest
import Testing

@Suite("ManifestParser: valid manifests")
struct ManifestParserTests {
    static let cart = """
        service: cart
        functions:
          addToCart:
            http: POST /cart/items          # a comment
            auth: customer
            timeout: 2s
            concurrency: 256
            bodyLimit: 64KiB
            scale: { min: 1, max: 20, rps: 200 }
          authorize:
            http: [GET /oauth/authorize, POST /oauth/authorize]
            auth: public
          expireCarts:
            schedule: every 10m
          sweep:
            schedule: "*/5 * * * *"
            timeout: 1m
          onOrderPlaced:
            event: order.placed
            retries: 3
          onAnything:
            event: [order.paid, user_deleted, stock-low]
            auth: service
            bodyLimit: 1048576
            scale: { max: 3 }
        """

    @Test(arguments: [
        ("auth: client\n    scopes: [orders:read, stock:write]", AuthPolicy.client, ["orders:read", "stock:write"]),
        ("auth: customer\n    scopes: orders:read", AuthPolicy.customer, ["orders:read"]),
        ("auth: admin\n    scopes: [\"reports:*\"]", AuthPolicy.admin, ["reports:*"]),
        ("auth: customer", AuthPolicy.customer, []),
    ])
    func scopesAreReadWithTheirPolicy(_ settings: String, _ auth: AuthPolicy, _ scopes: [String]) throws {
        let yaml = "service: orders\nfunctions:\n  listOrders:\n    http: GET /orders\n    \(settings)\n"
        let function = try #require(try ManifestParser.parse(yaml: yaml, file: "orders.yaml").functions.first)
        #expect(function.auth == auth)
        #expect(function.scopes == scopes)
    }

    @Test func parsesEveryKeyAndAppliesDefaults() throws {
        let manifest = try ManifestParser.parse(yaml: Self.cart, file: "cart.yaml")
        #expect(manifest.service == "cart")
        #expect(manifest.file == "cart.yaml")
        #expect(
            manifest.functions.map(\.name) == ["addToCart", "authorize", "expireCarts", "sweep", "onOrderPlaced", "onAnything"])
        let f = manifest.functions

        #expect(
            f[0]
                == FunctionManifest(
                    name: "addToCart",
                    trigger: .http([
                        HTTPRoute(method: "POST", path: "/cart/items", segments: [.literal("cart"), .literal("items")])
                    ]),
                    auth: .customer, timeout: .seconds(2), concurrency: 256, bodyLimit: 65_536,
                    scale: ScalePolicy(min: 1, max: 20, rps: 200), retries: 8))

        let oauth: [PathSegment] = [.literal("oauth"), .literal("authorize")]
        #expect(
            f[1].trigger
                == .http([
                    HTTPRoute(method: "GET", path: "/oauth/authorize", segments: oauth),
                    HTTPRoute(method: "POST", path: "/oauth/authorize", segments: oauth),
                ]))
        #expect(f[1].auth == .public)

        // Nothing but a trigger: every default.
        #expect(f[2] == FunctionManifest(name: "expireCarts", trigger: .schedule(.every(.seconds(600)))))
        #expect(f[2].auth == .customer)
        #expect(f[2].timeout == .seconds(10))
        #expect(f[2].concurrency == 1024)
        #expect(f[2].bodyLimit == 1 << 20)
        #expect(f[2].scale == ScalePolicy(min: 1, max: 10, rps: 100))
        #expect(f[2].retries == 8)

        #expect(f[3].trigger == .schedule(.cron(try #require(CronParser.parse("*/5 * * * *")))))
        #expect(f[3].timeout == .seconds(60))

        #expect(f[4].trigger == .event(["order.placed"]))
        #expect(f[4].retries == 3)

        #expect(f[5].trigger == .event(["order.paid", "user_deleted", "stock-low"]))
        #expect(f[5].auth == .service)
        #expect(f[5].bodyLimit == 1_048_576)
        #expect(f[5].scale == ScalePolicy(min: 1, max: 3, rps: 100))
    }

    @Test func httpRoutesListsEveryRouteWithItsFunction() throws {
        let manifest = try ManifestParser.parse(yaml: Self.cart, file: "cart.yaml")
        let pairs = manifest.httpRoutes.map { "\($0.0.name) \($0.1.method) \($0.1.path)" }
        #expect(pairs == ["addToCart POST /cart/items", "authorize GET /oauth/authorize", "authorize POST /oauth/authorize"])
    }

    @Test(
        "accepts edge values",
        arguments: [
            "scale: { min: 0, max: 1, rps: 1 }",
            "scale: { min: 5, max: 5 }",
            "scale: {}",
            "retries: 0",
            "concurrency: 1",
            "bodyLimit: 1GiB",
            "bodyLimit: 1B",
            "timeout: 1ms",
            "auth: webhook",
            "auth: admin",
            "concurrency: \"8\"",
            "deploy: function",
            "deploy: service",
        ])
    func edgeValues(line: String) throws {
        let yaml = "service: edge-1\nfunctions:\n  f:\n    http: GET /\n    \(line)\n"
        let manifest = try ManifestParser.parse(yaml: yaml, file: "edge.yaml")
        #expect(manifest.functions.count == 1)
    }

    @Test func deployChoosesTheUnitsAFunctionOverridesTheManifest() throws {
        let yaml = """
            service: payments
            functions:
              payOrder:
                http: POST /orders/{id}/pay
              mpesaCallback:
                http: POST /webhooks/mpesa/{token}
                deploy: function
              refund_2Fast:
                event: order.cancelled
                deploy: function
              getPayment:
                http: GET /payments/{id}
                deploy: service
            """
        let manifest = try ManifestParser.parse(yaml: yaml, file: "payments.yaml")
        #expect(manifest.deploy == .service)
        #expect(manifest.secrets.isEmpty)
        let secret = try ManifestParser.parse(yaml: "secrets: [SOKO_STRIPE_SECRET_KEY, KEY_2]\n" + yaml, file: "payments.yaml")
        #expect(secret.secrets == ["SOKO_STRIPE_SECRET_KEY", "KEY_2"])
        #expect(manifest.functions.map(\.deploy) == [nil, .function, .function, .service])
        #expect(manifest.units.map(\.name) == ["payments", "payments-mpesa-callback", "payments-refund-2-fast"])
        #expect(manifest.units[0].functions.map(\.name) == ["payOrder", "getPayment"])
        #expect(manifest.units[0].serveArguments == ["serve", "--unit", "payments"])
        #expect(manifest.units[1].serveArguments == ["serve", "--unit", "payments-mpesa-callback"])

        // A top-level `deploy: function` gives every function its own unit unless it says otherwise.
        let apart = try ManifestParser.parse(yaml: "deploy: function\n" + yaml, file: "payments.yaml")
        #expect(
            apart.units.map(\.name) == ["payments", "payments-pay-order", "payments-mpesa-callback", "payments-refund-2-fast"])
        #expect(apart.units[0].functions.map(\.name) == ["getPayment"])
        #expect(apart.unitName(of: apart.functions[0]) == "payments-pay-order")
        #expect(DeploymentUnit.name(service: "catalog", function: "getHTTPThing") == "catalog-get-httpthing")
    }

    @Test func rootRouteHasNoSegments() throws {
        let manifest = try ManifestParser.parse(yaml: "service: s\nfunctions:\n  home:\n    http: GET /\n", file: "s.yaml")
        #expect(manifest.functions[0].trigger == .http([HTTPRoute(method: "GET", path: "/", segments: [])]))
    }

    @Test func errorDescriptionNamesFileAndKey() {
        let error = ManifestError(file: "cart.yaml", key: "functions.a.timeout", message: "bad")
        #expect(error.description == "cart.yaml: functions.a.timeout: bad")
        #expect(ManifestError(file: "cart.yaml", key: "", message: "bad").description == "cart.yaml: bad")
    }
}
