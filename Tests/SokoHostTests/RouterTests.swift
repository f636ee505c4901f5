import SokoFunctions
import SokoManifest
import Testing

@testable import SokoHost

@Suite("Router")
struct RouterTests {
    static let router: Router = {
        let handler = FunctionHandler(kind: .raw) { _, _ in .text("") }
        func function(_ name: String, _ routes: [String], index: Int) -> FunctionRuntime {
            let parsed = routes.map { HTTPRouteParser.parse($0)! }
            return FunctionRuntime(
                service: "t", manifest: FunctionManifest(name: name, trigger: .http(parsed)),
                handler: handler, index: index)
        }
        return Router(functions: [
            function("root", ["GET /"], index: 0),
            function("list", ["GET /orders", "POST /orders"], index: 1),
            function("get", ["GET /orders/{id}"], index: 2),
            function("pay", ["POST /orders/{id}/pay"], index: 3),
            function("mine", ["GET /orders/mine"], index: 4),
            function("item", ["PATCH /carts/{cart}/items/{product}"], index: 5),
        ])
    }()

    @Test(
        arguments: [
            ("GET", "/", "root", [:]),
            ("GET", "/orders", "list", [:]),
            ("POST", "/orders", "list", [:]),
            ("GET", "/orders/42", "get", ["id": "42"]),
            ("HEAD", "/orders/42", "get", ["id": "42"]),
            ("GET", "/orders/mine", "mine", [:]),
            ("POST", "/orders/7/pay", "pay", ["id": "7"]),
            ("GET", "/orders/a%2Fb", "get", ["id": "a/b"]),
            ("PATCH", "/carts/c1/items/p2", "item", ["cart": "c1", "product": "p2"]),
        ] as [(String, String, String, [String: String])])
    func matches(_ method: String, _ path: String, _ function: String, _ parameters: [String: String]) {
        guard case .found(let found, let values) = Self.router.match(method: method, path: Substring(path)) else {
            Issue.record("no match for \(method) \(path)")
            return
        }
        #expect(found.name == function)
        #expect(values == parameters)
    }

    @Test(arguments: [
        "/nope", "/orders/", "/orders/1/pay/now", "//orders", "orders", "/orders//pay", "/Orders", "/orders/%00",
        "/orders/a%0Ab", "/orders/%7F",
    ])
    func unknownPathsAreNotFound(_ path: String) {
        guard case .notFound = Self.router.match(method: "GET", path: Substring(path)) else {
            Issue.record("expected 404 for \(path)")
            return
        }
    }

    @Test func knownPathWithWrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = Self.router.match(method: "DELETE", path: "/orders") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "HEAD", "POST"])
        guard case .methodNotAllowed(let payAllowed) = Self.router.match(method: "GET", path: "/orders/1/pay") else {
            Issue.record("expected 405")
            return
        }
        #expect(payAllowed == ["POST"])
    }

    @Test func tableListsEveryRoute() {
        #expect(Self.router.table.count == 7)
        #expect(Self.router.table.contains { $0.method == "POST" && $0.path == "/orders/{id}/pay" && $0.function.name == "pay" })
    }
}
