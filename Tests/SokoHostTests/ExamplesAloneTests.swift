import Examples
import Foundation
import SokoHTTP
import SokoHost
import SokoManifest
import SokoTesting
import Testing

/// The runtime with a set of bundles other than the shop's: the Examples bundle alone, from a
/// manifests folder holding only `examples.yaml`, served on a real socket.
@Suite("A host of the Examples bundle alone")
struct ExamplesAloneTests {
    @Test func servesHelloWithNoShopManifestOrBundle() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-examples-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        try FileManager.default.copyItem(
            atPath: repository + "/manifests/functions/examples.yaml", toPath: folder + "/examples.yaml")

        var configuration = TestHost.defaultConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loops = 1
        configuration.manifestsDirectory = folder
        let host = try FunctionHost(
            manifests: try ManifestLoader.load(directory: folder), bundles: [ExamplesBundle.self],
            configuration: configuration)
        #expect(host.routes.map { "\($0.method) \($0.path)" }.sorted() == ["GET /hello", "POST /echo"])
        let group = EventLoopGroup(loopCount: 1)
        group.start()
        let running = try await host.start(on: group)

        let client = try RawClient(port: running.port)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello")
        client.send("GET /products HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().status == 404)
        #expect(await running.stop(drainTimeout: .seconds(5)))
    }
}
