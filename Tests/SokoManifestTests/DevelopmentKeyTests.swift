import SokoManifest
import Testing

/// `development: { provides: … }` — the settings a development-only stand-in gives the other units
/// of a development deployment, named in its manifest (the runtime knows no shop's services).
@Suite("ManifestParser: development")
struct DevelopmentKeyTests {
    static func parse(_ entry: String) throws(ManifestError) -> ServiceManifest {
        let yaml =
            "service: fake\nenvironments: [development]\ndevelopment: \(entry)\nfunctions:\n  hello: { http: GET /_fake/hello }\n"
        return try ManifestParser.parse(yaml: yaml, file: "fake.yaml")
    }

    @Test func providesKeepsTheFileOrderAndFillsThePlaceholders() throws {
        let manifest = try Self.parse(#"{ provides: { FAKE_BASE_URL: "{url}/_fake", FAKE_CALLBACK_HOSTS: "{gateway}" } }"#)
        #expect(
            manifest.provides(in: "development") == [
                ProvidedSetting(name: "FAKE_BASE_URL", value: "{url}/_fake"),
                ProvidedSetting(name: "FAKE_CALLBACK_HOSTS", value: "{gateway}"),
            ])
        #expect(
            manifest.provides(in: "development").map { $0.value(url: "http://fake:8080", gateway: "gateway.local") } == [
                "http://fake:8080/_fake", "gateway.local",
            ])
        let plain = try ManifestParser.parse(yaml: "service: a\nfunctions:\n  b: { http: GET /b }\n", file: "a.yaml")
        #expect(plain.provides(in: "development") == [])
    }

    @Test(arguments: [
        ("{ provides: { fake_url: x } }", "is not an environment variable"),
        ("{ provides: { FAKE_URL: \"{host}/x\" } }", "has a placeholder other than {url} and {gateway}"),
        ("{ provides: { FAKE_URL: [a, b] } }", "expected the setting's value"),
        ("{ provides: [FAKE_URL] }", "expected a mapping of environment variables to values"),
        ("{ requires: { FAKE_URL: x } }", "unknown key \"requires\" (expected one of: provides)"),
    ])
    func refusals(_ entry: String, _ message: String) {
        let error = #expect(throws: ManifestError.self) { try Self.parse(entry) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func theSandboxManifestSaysWhereTheFakesAre() throws {
        let manifests = try ManifestLoader.load(directory: RuntimeNamesNoShopTests.repository + "/manifests/functions")
        let provided = manifests.flatMap { $0.provides(in: "development") }.map(\.name)
        #expect(provided.contains("SOKO_DARAJA_BASE_URL"))
        #expect(provided.contains("SOKO_STRIPE_BASE_URL"))
    }
}
