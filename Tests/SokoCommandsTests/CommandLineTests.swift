import ArgumentParser
import Examples
import Foundation
import Testing

@testable import SokoCommands

/// The runtime's command line for an application other than the shop: the Examples bundle alone,
/// with one command of its own.
@Suite("SokoCommandLine for any set of bundles")
struct CommandLineTests {
    /// An application's own command.
    struct Greet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say hello.")
        func run() async throws {}
    }

    static let examples = SokoCommandLine(bundles: [ExamplesBundle.self], commands: [Greet.self])

    @Test func theRuntimesCommandsThenTheApplications() {
        let names = SokoCommandLine.$current.withValue(Self.examples) {
            Soko.configuration.subcommands.map { $0._commandName }
        }
        #expect(names == ["serve", "check-config", "routes", "migrate", "events", "render", "new", "health", "greet"])
    }

    @Test func routesCheckAgreesForTheExamplesAlone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/manifests", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        try FileManager.default.copyItem(
            atPath: repository + "/manifests/functions/examples.yaml", toPath: folder + "/manifests/examples.yaml")
        let openAPI = """
            openapi: 3.1.0
            info: { title: examples, version: "1" }
            paths:
              /hello:
                get: { operationId: hello, responses: { "200": { description: hello } } }
              /echo:
                post: { operationId: echo, responses: { "200": { description: the value } } }
            """
        try openAPI.write(toFile: folder + "/openapi.yaml", atomically: true, encoding: .utf8)
        let agreed = try SokoCommandLine.$current.withValue(Self.examples) {
            try Routes.disagreements(manifests: folder + "/manifests", openAPI: folder + "/openapi.yaml")
        }
        #expect(agreed == [])
        // Without the Examples bundle the same manifest names functions no bundle registers.
        let without = try SokoCommandLine.$current.withValue(SokoCommandLine(bundles: [])) {
            try Routes.disagreements(manifests: folder + "/manifests", openAPI: folder + "/openapi.yaml")
        }
        #expect(without.count == 2)
    }
}
