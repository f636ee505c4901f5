import Examples
import Foundation
import SokoFunctions
import SokoHost
import SokoManifest
import SokoTesting
import Synchronization
import Testing

/// A bundle that counts its registrations and registers no handler.
enum CountingBundle: FunctionBundle {
    static let service = "counting"
    static let registrations = Atomic<Int>(0)

    static func register(_ registry: inout FunctionRegistry) {
        registrations.add(1, ordering: .relaxed)
    }
}

/// Only the served bundles register (docs/function-host.md): a `--service examples` host never runs
/// another bundle's code, while every manifest still gets the deployment-wide checks; the unserved
/// manifests' handler names are left to `soko routes --check`.
@Suite("A host registers only the bundles it serves", .serialized)
struct ServedBundlesTests {
    /// examples.yaml and counting.yaml (whose function has no handler) in a new folder.
    static func manifests(counting: String) throws -> [ServiceManifest] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-served-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        try FileManager.default.copyItem(
            atPath: repository + "/manifests/functions/examples.yaml", toPath: folder + "/examples.yaml")
        try counting.write(toFile: folder + "/counting.yaml", atomically: true, encoding: .utf8)
        return try ManifestLoader.load(directory: folder)
    }

    static func host(service: String?, counting: String) throws -> FunctionHost {
        var configuration = TestHost.defaultConfiguration()
        configuration.service = service
        return try FunctionHost(
            manifests: try manifests(counting: counting), bundles: [ExamplesBundle.self, CountingBundle.self],
            configuration: configuration)
    }

    static let unhandled = "service: counting\nfunctions:\n  nothere:\n    http: GET /counting\n    auth: public\n"

    @Test func anUnservedBundleIsNotRegisteredAndItsHandlersAreNotChecked() throws {
        let before = CountingBundle.registrations.load(ordering: .relaxed)
        let host = try Self.host(service: "examples", counting: Self.unhandled)
        #expect(CountingBundle.registrations.load(ordering: .relaxed) == before)
        #expect(host.routes.map { "\($0.method) \($0.path)" }.sorted() == ["GET /hello", "POST /echo"])
    }

    @Test func aServedBundleIsRegisteredAndItsHandlersAreChecked() throws {
        let before = CountingBundle.registrations.load(ordering: .relaxed)
        #expect {
            try Self.host(service: nil, counting: Self.unhandled)
        } throws: { error in
            "\(error)".contains("no handler named \"nothere\" is registered by the \"counting\" bundle")
        }
        #expect(CountingBundle.registrations.load(ordering: .relaxed) == before + 1)
    }

    @Test func anUnservedManifestStillGetsTheDeploymentWideChecks() throws {
        // The same route as examples' hello, in a manifest this process does not serve.
        let clash = "service: counting\nfunctions:\n  nothere:\n    http: GET /hello\n    auth: public\n"
        #expect {
            try Self.host(service: "examples", counting: clash)
        } throws: { error in
            "\(error)".contains("route GET /hello is already declared by \"nothere\"")
        }
    }
}
