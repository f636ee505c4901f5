import SokoManifest
import Testing

/// `environments:` — where a service is served (`SOKO_ENV`).
@Suite("ManifestParser: environments")
struct EnvironmentsTests {
    static let functions = "functions:\n  stkPush:\n    http: POST /_sandbox/stk\n    auth: public\n"

    @Test func servedEverywhereUnlessTheManifestSaysOtherwise() throws {
        let manifest = try ManifestParser.parse(yaml: "service: sandbox\n" + Self.functions, file: "sandbox.yaml")
        #expect(manifest.environments == ["development", "production"])
        #expect(manifest.isServed(in: "production"))
    }

    @Test(arguments: ["environments: [development]", "environments: development", "environments:\n  - development"])
    func developmentOnly(_ line: String) throws {
        let manifest = try ManifestParser.parse(yaml: "service: sandbox\n\(line)\n" + Self.functions, file: "sandbox.yaml")
        #expect(manifest.environments == ["development"])
        #expect(manifest.isServed(in: "development"))
        #expect(!manifest.isServed(in: "production"))
    }

    @Test(arguments: [
        ("environments: [staging]", "\"staging\" is not an environment (expected development, production)"),
        ("environments: []", "found an empty list"),
        ("environments: { development: true }", "environments"),
    ])
    func refusals(_ line: String, _ message: String) throws {
        let error = #expect(throws: ManifestError.self) {
            try ManifestParser.parse(yaml: "service: sandbox\n\(line)\n" + Self.functions, file: "sandbox.yaml")
        }
        #expect(error?.key == "environments")
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func theShippedSandboxAndExamplesAreDevelopmentOnly() throws {
        let manifests = try ManifestLoader.load(directory: Self.repository + "/manifests/functions")
        let developmentOnly = manifests.filter { !$0.isServed(in: "production") }.map(\.service).sorted()
        #expect(developmentOnly == ["examples", "sandbox"])
    }

    static var repository: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }
}
