import Testing

@testable import SokoManifest

@Suite("HTTPRouteParser")
struct HTTPRouteParserTests {
    @Test(
        "splits paths into segments",
        arguments: [
            ("GET /", [PathSegment]()),
            ("POST /cart/items", [.literal("cart"), .literal("items")]),
            ("POST /orders/{id}/pay", [.literal("orders"), .parameter("id"), .literal("pay")]),
            (
                "GET /users/{userId}/orders/{order_id}",
                [.literal("users"), .parameter("userId"), .literal("orders"), .parameter("order_id")]
            ),
            ("GET /.well-known/jwks.json", [.literal(".well-known"), .literal("jwks.json")]),
            ("GET /a~b/c:d/e@f", [.literal("a~b"), .literal("c:d"), .literal("e@f")]),
            ("OPTIONS /{_x}", [.parameter("_x")]),
        ])
    func good(text: String, segments: [PathSegment]) throws {
        let route = try #require(HTTPRouteParser.parse(text))
        #expect(route.segments == segments)
        #expect("\(route.method) \(route.path)" == text)
    }

    @Test("accepts every method", arguments: HTTPRouteParser.methods)
    func methods(method: String) {
        #expect(HTTPRouteParser.parse("\(method) /x")?.method == method)
    }

    @Test(
        "refuses bad routes",
        arguments: [
            ("get /a", "upper case"),
            ("FETCH /a", "unknown method"),
            ("/a", "METHOD /path"),
            ("GET", "METHOD /path"),
            ("GET /a extra", "METHOD /path"),
            ("GET a", "start with"),
            ("GET /a?b=1", "query string"),
            ("GET //a", "empty segment"),
            ("GET /a//b", "empty segment"),
            ("GET /a/", "empty segment"),
            ("GET /a b", "METHOD /path"),
            ("GET /a%20b", "not allowed"),
            ("GET /a#b", "not allowed"),
            ("GET /a{b}", "mixes"),
            ("GET /{a}b", "mixes"),
            ("GET /{a", "mixes"),
            ("GET /{}", "parameter"),
            ("GET /{1a}", "parameter"),
            ("GET /{a-b}", "parameter"),
            ("GET /{id}/x/{id}", "twice"),
            ("GET /a/../b", "segment"),
            ("GET /./b", "segment"),
        ])
    func bad(text: String, word: String) {
        #expect(HTTPRouteParser.parse(text) == nil)
        do {
            _ = try HTTPRouteParser.check(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message.contains(word), "\(error.message)")
        }
    }
}
