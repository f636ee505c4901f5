import SokoManifest
import Testing

/// `rateLimit: { requests, per }` and `log: { redact: [...] }` on a function.
@Suite("ManifestParser: rateLimit and log")
struct RateLimitAndLogKeysTests {
    @Test func parsesRateLimitAndRedactedParameters() throws {
        let yaml = """
            service: payments
            functions:
              payOrder:
                http: POST /orders/{id}/pay
                rateLimit: { requests: 5, per: 1m }
              mpesaCallback:
                http: POST /webhooks/mpesa/{token}
                auth: webhook
                log:
                  redact: [token]
              getPayment:
                http: GET /payments/{id}
            """
        let manifest = try ManifestParser.parse(yaml: yaml, file: "payments.yaml")
        #expect(manifest.functions[0].rateLimit == RateLimitPolicy(requests: 5, window: .seconds(60)))
        #expect(manifest.functions[0].rateLimit?.windowMilliseconds == 60_000)
        #expect(manifest.functions[0].redactedPathParameters.isEmpty)
        #expect(manifest.functions[1].redactedPathParameters == ["token"])
        #expect(manifest.functions[1].rateLimit == nil)
        #expect(manifest.functions[2].rateLimit == nil)
    }

    static let refusals: [ManifestErrorCase] = [
        .http("rateLimit: 10", key: "functions.addToCart.rateLimit", word: "a mapping such as { requests: 10, per: 1m }"),
        .http("rateLimit: { per: 1m }", key: "functions.addToCart.rateLimit", word: "needs requests"),
        .http("rateLimit: { requests: 10 }", key: "functions.addToCart.rateLimit", word: "needs per"),
        .http("rateLimit: { requests: 0, per: 1m }", key: "functions.addToCart.rateLimit.requests", word: "at least 1"),
        .http("rateLimit: { requests: ten, per: 1m }", key: "functions.addToCart.rateLimit.requests", word: "not a whole number"),
        .http("rateLimit: { requests: 10, per: minute }", key: "functions.addToCart.rateLimit.per", word: "not a duration"),
        .http("rateLimit: { requests: 10, per: 500ms }", key: "functions.addToCart.rateLimit.per", word: "from 1s to 24h"),
        .http("rateLimit: { requests: 10, per: 25h }", key: "functions.addToCart.rateLimit.per", word: "from 1s to 24h"),
        .http(
            "rateLimit: { requests: 10, per: 1m, burst: 2 }", key: "functions.addToCart.rateLimit.burst",
            word: "unknown key \"burst\" (expected one of: requests, per)"),
        .function(
            "event: order.placed\nrateLimit: { requests: 1, per: 1s }", key: "functions.addToCart.rateLimit",
            word: "HTTP calls only"),
        .http("log: { redact: [token] }", key: "functions.addToCart.log.redact", word: "has none"),
        .function(
            "http: POST /cart/items/{product_id}\nlog: { redact: [id] }", key: "functions.addToCart.log.redact",
            word: "\"id\" is not a path parameter of this function's routes (it has {product_id})"),
        .http("log: { level: debug }", key: "functions.addToCart.log.level", word: "unknown key"),
        .http("log: [token]", key: "functions.addToCart.log", word: "found a list"),
        .function("schedule: every 1m\nlog: { redact: [x] }", key: "functions.addToCart.log", word: "HTTP calls only"),
    ]

    @Test(arguments: refusals)
    func refused(_ c: ManifestErrorCase) {
        guard let error = manifestError(c.yaml, file: "manifests/functions/cart.yaml") else { return }
        #expect(error.key == c.key, "\(error)")
        #expect(error.message.contains(c.word), "\(error)")
    }
}
