import SokoManifest
import Testing

@Suite("ManifestParser: refusals name the file and the key")
struct ManifestParserErrorTests {
    static let topLevel: [ManifestErrorCase] = [
        .init("", key: "", word: "empty"),
        .init("# only a comment\n", key: "", word: "empty"),
        .init("- a\n- b\n", key: "", word: "found a list"),
        .init("service: cart\nfunctions: { a: { http: GET /a }\n", key: "", word: "line"),
        .init("service: cart\n  functions:\n x", key: "", word: "YAML syntax error"),
        .init("service: cart\nservice: shop\nfunctions: { a: { http: GET /a } }\n", key: "", word: "\"service\" appears twice"),
        .init("functions: { a: { http: GET /a } }\n", key: "service", word: "missing"),
        .init("service: cart\n", key: "functions", word: "missing"),
        .init("service:\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "found nothing"),
        .init("service: Cart\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "not a service name"),
        .init("service: 1cart\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "not a service name"),
        .init("service: cart_x\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "not a service name"),
        .init("service: cart-\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "not a service name"),
        .init("service: [cart]\nfunctions: { a: { http: GET /a } }\n", key: "service", word: "found a list"),
        .init("service: cart\nfunctions:\n", key: "functions", word: "lists no function"),
        .init("service: cart\ndeploy: everywhere\nfunctions: { a: { http: GET /a } }\n", key: "deploy", word: "not a deployment"),
        .init(
            "service: cart\nsecrets: [stripe_key]\nfunctions: { a: { http: GET /a } }\n", key: "secrets",
            word: "not a secret's variable"),
        .init(
            "service: cart\nsecrets: [KEY_FILE]\nfunctions: { a: { http: GET /a } }\n", key: "secrets",
            word: "_FILE form is derived"),
        .init("service: cart\nsecrets: [A, A]\nfunctions: { a: { http: GET /a } }\n", key: "secrets", word: "listed twice"),
        .init("service: cart\nfunctions: {}\n", key: "functions", word: "lists no function"),
        .init("service: cart\nfunctions: [a, b]\n", key: "functions", word: "found a list"),
        .init(
            "service: cart\nfunctions: { a: { http: GET /a } }\nversion: 2\n", key: "version",
            word:
                "unknown key \"version\" (expected one of: service, deploy, secrets, environments, identity, development, production, functions)"
        ),
        .init("service: cart\nfunctions:\n  1add:\n    http: GET /a\n", key: "functions.1add", word: "not a function name"),
        .init(
            "service: cart\nfunctions:\n  add-to-cart:\n    http: GET /a\n", key: "functions.add-to-cart",
            word: "not a function name"),
        .init(
            "service: cart\nfunctions:\n  addToCart: POST /cart\n", key: "functions.addToCart",
            word: "expected the function's settings"),
        .init("service: cart\nfunctions:\n  addToCart:\n", key: "functions.addToCart", word: "found none"),
    ]

    static let functionKeys: [ManifestErrorCase] = [
        .function(
            "auth: public", key: "functions.addToCart", word: "needs exactly one trigger (http, event or schedule), found none"),
        .function("http: GET /a\nevent: a.b", key: "functions.addToCart", word: "found http and event"),
        .function(
            "schedule: every 1m\nevent: a.b\nhttp: GET /a", key: "functions.addToCart", word: "found schedule and event and http"),
        .http(
            "bar: 1", key: "functions.addToCart.bar",
            word:
                "unknown key \"bar\" (expected one of: http, event, schedule, auth, scopes, timeout, concurrency, bodyLimit, scale, retries, deploy, rateLimit, log, gateway)"
        ),
        .http("Timeout: 2s", key: "functions.addToCart.Timeout", word: "unknown key"),
        .http("auth: anyone", key: "functions.addToCart.auth", word: "public, customer, guest, admin, service, client, webhook"),
        .http("auth: client", key: "functions.addToCart.auth", word: "auth: client needs scopes:"),
        .http("scopes: []", key: "functions.addToCart.scopes", word: "found an empty list"),
        .http("scopes: { a: b }", key: "functions.addToCart.scopes", word: "found a mapping"),
        .http("scopes: [\"orders read\"]", key: "functions.addToCart.scopes", word: "\"orders read\" is not a scope"),
        .http("scopes: [a, a]", key: "functions.addToCart.scopes", word: "listed twice"),
        .http("auth: public\nscopes: [orders:read]", key: "functions.addToCart.scopes", word: "do not apply to auth: public"),
        .http("auth: service\nscopes: [orders:read]", key: "functions.addToCart.scopes", word: "do not apply to auth: service"),
        .http("auth: webhook\nscopes: [orders:read]", key: "functions.addToCart.scopes", word: "do not apply to auth: webhook"),
        .function("event: order.paid\nscopes: [orders:read]", key: "functions.addToCart.scopes", word: "event consumer"),
        .http("auth: Public", key: "functions.addToCart.auth", word: "not an auth policy"),
        .http("auth:", key: "functions.addToCart.auth", word: "found nothing"),
        .http(
            "timeout: 2x", key: "functions.addToCart.timeout",
            word: "\"2x\" is not a duration (use a number and a unit: 500ms, 2s, 1m, 1h)"),
        .http("timeout: 2", key: "functions.addToCart.timeout", word: "not a duration"),
        .http("timeout: 0s", key: "functions.addToCart.timeout", word: "greater than zero"),
        .http("timeout: [2s]", key: "functions.addToCart.timeout", word: "found a list"),
        .http("concurrency: 0", key: "functions.addToCart.concurrency", word: "at least 1"),
        .http("concurrency: -3", key: "functions.addToCart.concurrency", word: "at least 1, found -3"),
        .http("concurrency: many", key: "functions.addToCart.concurrency", word: "not a whole number"),
        .http("concurrency: 2.5", key: "functions.addToCart.concurrency", word: "not a whole number"),
        .http("concurrency: 0x10", key: "functions.addToCart.concurrency", word: "not a whole number"),
        .http("bodyLimit: 64kb", key: "functions.addToCart.bodyLimit", word: "not a size"),
        .http("bodyLimit: 0", key: "functions.addToCart.bodyLimit", word: "greater than zero"),
        .http("bodyLimit: 2GiB", key: "functions.addToCart.bodyLimit", word: "ceiling"),
        .http("bodyLimit: 1073741825", key: "functions.addToCart.bodyLimit", word: "ceiling"),
        .http("retries: -1", key: "functions.addToCart.retries", word: "at least 0"),
        .http("deploy: pod", key: "functions.addToCart.deploy", word: "\"pod\" is not a deployment"),
        .http("deploy: [function]", key: "functions.addToCart.deploy", word: "found a list"),
        .http("retries: lots", key: "functions.addToCart.retries", word: "whole number"),
        .http("scale: 3", key: "functions.addToCart.scale", word: "expected a mapping"),
        .http(
            "scale: { min: 1, maximum: 3 }", key: "functions.addToCart.scale.maximum",
            word: "unknown key \"maximum\" (expected one of: min, max, rps)"),
        .http("scale: { min: -1 }", key: "functions.addToCart.scale.min", word: "at least 0"),
        .http("scale: { max: 0 }", key: "functions.addToCart.scale.max", word: "at least 1"),
        .http("scale: { rps: 0 }", key: "functions.addToCart.scale.rps", word: "at least 1"),
        .http("scale: { min: 5, max: 2 }", key: "functions.addToCart.scale.max", word: "below min"),
        .http("scale: { min: 20 }", key: "functions.addToCart.scale.min", word: "(the default)"),
    ]

    static let triggers: [ManifestErrorCase] = [
        .function("http: POST", key: "functions.addToCart.http", word: "METHOD /path"),
        .function("http: post /cart", key: "functions.addToCart.http", word: "upper case"),
        .function("http: SEND /cart", key: "functions.addToCart.http", word: "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        .function("http: GET /cart/", key: "functions.addToCart.http", word: "empty segment"),
        .function("http: GET /cart?x=1", key: "functions.addToCart.http", word: "query string"),
        .function("http: GET /cart/{id}/{id}", key: "functions.addToCart.http", word: "twice"),
        .function("http: GET /cart/a{id}", key: "functions.addToCart.http", word: "whole segment"),
        .function("http: []", key: "functions.addToCart.http", word: "empty list"),
        .function("http: [GET /a, GET /a]", key: "functions.addToCart.http", word: "listed twice"),
        .function("http: [GET /a, GET a]", key: "functions.addToCart.http", word: "\"GET a\" is not a route"),
        .function("http: { GET: /a }", key: "functions.addToCart.http", word: "found a mapping"),
        .function("event: Order.Placed", key: "functions.addToCart.event", word: "not an event name"),
        .function("event: 1order", key: "functions.addToCart.event", word: "starting with a letter"),
        .function("event: [order.placed, order placed]", key: "functions.addToCart.event", word: "\"order placed\""),
        .function("event: [a, [b]]", key: "functions.addToCart.event", word: "found a list"),
        .function("event:", key: "functions.addToCart.event", word: "found nothing"),
        .function("schedule: every 0s", key: "functions.addToCart.schedule", word: "greater than zero"),
        .function("schedule: every ten minutes", key: "functions.addToCart.schedule", word: "takes one duration"),
        .function("schedule: hourly", key: "functions.addToCart.schedule", word: "five-field cron"),
        .function(
            "schedule: \"61 * * * *\"", key: "functions.addToCart.schedule", word: "minute field value 61 is out of range 0-59"),
        .function("schedule: \"* * * * 9\"", key: "functions.addToCart.schedule", word: "day-of-week"),
    ]

    @Test(arguments: topLevel)
    func topLevelRefusals(_ c: ManifestErrorCase) { check(c) }

    @Test(arguments: functionKeys)
    func functionKeyRefusals(_ c: ManifestErrorCase) { check(c) }

    @Test(arguments: triggers)
    func triggerRefusals(_ c: ManifestErrorCase) { check(c) }

    private func check(_ c: ManifestErrorCase) {
        guard let error = manifestError(c.yaml, file: "manifests/functions/cart.yaml") else { return }
        #expect(error.file == "manifests/functions/cart.yaml")
        #expect(error.key == c.key, "\(error)")
        #expect(error.message.contains(c.word), "\(error)")
    }

    @Test func syntaxErrorCarriesLine() throws {
        let error = try #require(manifestError("service: cart\nfunctions:\n  a:\n    http: GET /a\n   bad: [\n"))
        #expect(error.key == "")
        #expect(error.message.contains("line 5") || error.message.contains("line 6"), "\(error.message)")
    }

    @Test func duplicateFunctionNamesAreRefused() throws {
        let yaml = "service: cart\nfunctions:\n  a:\n    http: GET /a\n  a:\n    http: GET /b\n"
        let error = try #require(manifestError(yaml))
        #expect(error.message.contains("\"a\" appears twice"), "\(error.message)")
    }
}
