import Foundation
import SokoDeploy
import SokoManifest
import Testing

/// `soko new function`, into a temporary copy of the files it reads and edits (never the real tree).
@Suite("soko new function")
struct FunctionScaffoldTests {
    static func copy() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("soko-new-\(UUID().uuidString)").path
        for path in ["manifests/functions", "Functions/Catalog", "openapi.yaml"] {
            let target = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: NginxGatewayTests.repository + "/" + path, toPath: target)
        }
        return root
    }

    @Test func writesEveryFile() throws {
        let root = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scaffold = try FunctionScaffold(
            name: "wishList", service: "catalog", http: "POST /wishlist/{id}", auth: "customer", timeout: "3s")
        let written = try scaffold.write(root: root)
        #expect(written.count == 5)
        let read = { (path: String) in try String(contentsOfFile: root + "/" + path, encoding: .utf8) }
        #expect(try read("Functions/Catalog/WishList.swift").contains("enum WishList: Function {"))
        #expect(try read("Tests/CatalogTests/WishListTests.swift").contains("#expect(response.status == 401)"))
        #expect(try read("Functions/Catalog/CatalogBundle.swift").contains("        registry.add(WishList.self)\n    }\n}"))
        let manifest = try ManifestParser.parse(yaml: try read("manifests/functions/catalog.yaml"), file: "catalog.yaml")
        let function = try #require(manifest.functions.last)
        #expect(function.name == "wishList" && function.auth == .customer && function.timeout == .seconds(3))
        #expect(function.trigger == .http([HTTPRouteParser.parse("POST /wishlist/{id}")!]))
        let manifests = try ManifestLoader.load(directory: root + "/manifests/functions")
        let registered = Dictionary(uniqueKeysWithValues: manifests.map { ($0.service, Set($0.functions.map(\.name))) })
        let disagreements = try RouteAgreement.disagreements(
            manifests: manifests, registered: registered, openAPI: try read("openapi.yaml"))
        #expect(disagreements == [])
        #expect(throws: ScaffoldError.self) { try scaffold.write(root: root) }  // the name is taken now
    }

    @Test func writesAnEventConsumerAndAScheduledFunction() throws {
        let root = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let consumer = try FunctionScaffold(name: "noteOrder", service: "catalog", event: "order.placed", timeout: "10s")
        let tick = try FunctionScaffold(name: "tidyUp", service: "catalog", schedule: "*/5 * * * *", timeout: "30s")
        let openAPI = try String(contentsOfFile: root + "/openapi.yaml", encoding: .utf8)
        #expect(try consumer.write(root: root).count == 4)
        #expect(try tick.write(root: root).count == 4)
        let read = { (path: String) in try String(contentsOfFile: root + "/" + path, encoding: .utf8) }
        #expect(try read("Functions/Catalog/NoteOrder.swift").contains("enum NoteOrder: EventFunction {"))
        #expect(try read("Functions/Catalog/TidyUp.swift").contains("enum TidyUp: Function {"))
        #expect(try read("Tests/CatalogTests/TidyUpTests.swift").contains(#"FunctionRequest(method: "SCHEDULE", path: "/")"#))
        #expect(try read("openapi.yaml") == openAPI)  // no route, no operation
        let manifest = try ManifestParser.parse(yaml: try read("manifests/functions/catalog.yaml"), file: "catalog.yaml")
        let functions = Dictionary(uniqueKeysWithValues: manifest.functions.map { ($0.name, $0) })
        #expect(functions["noteOrder"]?.trigger == .event(["order.placed"]))
        #expect(functions["noteOrder"]?.timeout == .seconds(10))
        #expect(functions["tidyUp"]?.trigger == .schedule(ScheduleParser.parse("*/5 * * * *")!))
    }

    @Test(arguments: [
        (nil, nil), ("order", nil), ("Order.Placed", nil), (nil, "every"), (nil, "* * *"), ("order.placed", "every 1m"),
    ])
    func refusesBadTriggers(_ event: String?, _ schedule: String?) {
        #expect(throws: ScaffoldError.self) {
            try FunctionScaffold(name: "w", service: "catalog", event: event, schedule: schedule, timeout: "5s")
        }
    }

    @Test(arguments: [
        ("WishList", "POST /w", "public", "5s"), ("wish-list", "POST /w", "public", "5s"), ("w", "FETCH /w", "public", "5s"),
        ("w", "POST w", "public", "5s"), ("w", "POST /w", "client", "5s"), ("w", "POST /w", "anyone", "5s"),
        ("w", "POST /w", "public", "5 s"),
    ])
    func refusesBadRequests(_ name: String, _ http: String, _ auth: String, _ timeout: String) {
        #expect(throws: ScaffoldError.self) {
            try FunctionScaffold(name: name, service: "catalog", http: http, auth: auth, timeout: timeout)
        }
    }

    @Test func refusesARouteAnotherFunctionHas() throws {
        let root = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scaffold = try FunctionScaffold(
            name: "fetchProduct", service: "catalog", http: "GET /products/{key}", auth: "public", timeout: "5s")
        #expect(throws: ScaffoldError.self) { try scaffold.write(root: root) }
        #expect(!FileManager.default.fileExists(atPath: root + "/Functions/Catalog/FetchProduct.swift"))
    }
}
