import Foundation
import SokoManifest
import Testing

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("soko-manifest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite("ManifestLoader")
struct ManifestLoaderTests {
    static func manifest(_ service: String, route: String = "GET /x") -> String {
        "service: \(service)\nfunctions:\n  f:\n    http: \(route)\n"
    }

    @Test func readsYamlAndYmlSortedByNameAndSkipsTheRest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("users.yml", Self.manifest("users"))
        try dir.write("cart.yaml", Self.manifest("cart"))
        try dir.write("examples.yaml", Self.manifest("examples"))
        try dir.write("README.md", "not a manifest")
        try dir.write("notes.yaml.bak", "not: [a manifest")
        try dir.write(".hidden.yaml", "not: [a manifest")
        try FileManager.default.createDirectory(atPath: "\(dir.path)/nested.yaml", withIntermediateDirectories: false)
        try dir.write("nested.yaml/inner.yaml", Self.manifest("inner"))

        let manifests = try ManifestLoader.load(directory: dir.path)
        #expect(manifests.map(\.service) == ["cart", "examples", "users"])
        #expect(manifests.map(\.file) == ["cart.yaml", "examples.yaml", "users.yml"].map { "\(dir.path)/\($0)" })
    }

    @Test func missingDirectory() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("soko-absent-\(UUID().uuidString)").path
        let error = try #require(loadError(path))
        #expect(error.file == path)
        #expect(error.key == "")
        #expect(error.message.contains("no such directory"))
    }

    @Test func directoryWithoutManifests() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("README.md", "nothing here")
        let error = try #require(loadError(dir.path))
        #expect(error.file == dir.path)
        #expect(error.key == "")
        #expect(error.message.contains("no manifest"))
    }

    @Test func sameServiceTwiceNamesTheSecondFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("a.yaml", Self.manifest("cart"))
        try dir.write("b.yaml", Self.manifest("cart", route: "GET /y"))
        let error = try #require(loadError(dir.path))
        #expect(error.file == "\(dir.path)/b.yaml")
        #expect(error.key == "service")
        #expect(error.message.contains("already declared by \(dir.path)/a.yaml"), "\(error.message)")
    }

    @Test func invalidManifestNamesItsFileAndKey() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("a.yaml", Self.manifest("cart"))
        try dir.write("b.yaml", "service: users\nfunctions:\n  f:\n    http: GET /x\n    timeout: soon\n")
        let error = try #require(loadError(dir.path))
        #expect(error.file == "\(dir.path)/b.yaml")
        #expect(error.key == "functions.f.timeout")
        #expect(error.message.contains("not a duration"))
    }

    @Test func fileThatIsNotUTF8() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data([0x73, 0x65, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: "\(dir.path)/bad.yaml"))
        let error = try #require(loadError(dir.path))
        #expect(error.file == "\(dir.path)/bad.yaml")
        #expect(error.message.contains("UTF-8"))
    }

    private func loadError(_ directory: String) -> ManifestError? {
        do {
            let manifests = try ManifestLoader.load(directory: directory)
            Issue.record("loaded \(manifests.count) manifests")
            return nil
        } catch {
            return error
        }
    }
}
