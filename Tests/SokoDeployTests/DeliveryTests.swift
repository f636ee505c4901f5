import Foundation
import Testing

/// CD cannot ship a broken build: it waits for CI on the same commit, builds with pinned
/// dependencies, deploys by digest and rolls back; the lock it pins with is checked here.
@Suite("Continuous delivery")
struct DeliveryTests {
    static let check = NginxGatewayTests.repository + "/docker/check-resolved.sh"
    static let lock = NginxGatewayTests.repository + "/docker/dependencies.lock"

    @Test func theLockPinsWhatThisCheckoutResolved() async throws {
        let resolved = NginxGatewayTests.repository + "/Package.resolved"
        guard FileManager.default.fileExists(atPath: resolved) else { return }  // resolved by the build
        let matched = try await NginxGatewayTests.run(["sh", Self.check, resolved, Self.lock])
        #expect(matched.status == 0, "\(matched.output)")
        // A moved version fails, and so does a package the lock does not name.
        let text = try String(contentsOfFile: Self.lock, encoding: .utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soko-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let moved = text.replacingOccurrences(of: "yams 6.2.2", with: "yams 6.2.3")
        try moved.write(toFile: directory + "/moved.lock", atomically: true, encoding: .utf8)
        #expect(try await NginxGatewayTests.run(["sh", Self.check, resolved, directory + "/moved.lock"]).status != 0)
        let missing = text.split(separator: "\n").filter { !$0.hasPrefix("swift-asn1") }.joined(separator: "\n")
        try missing.write(toFile: directory + "/missing.lock", atomically: true, encoding: .utf8)
        #expect(try await NginxGatewayTests.run(["sh", Self.check, resolved, directory + "/missing.lock"]).status != 0)
    }

    @Test func theImageIsBuiltFromTheLock() throws {
        let dockerfile = try String(contentsOfFile: NginxGatewayTests.repository + "/docker/Dockerfile", encoding: .utf8)
        #expect(
            dockerfile.contains("swift package resolve && sh docker/check-resolved.sh Package.resolved docker/dependencies.lock"))
        #expect(!dockerfile.contains("Package.resolved*"))
    }

    @Test func cdDeploysOnlyWhatCIPassedByDigestAndRollsBack() throws {
        let cd = try String(contentsOfFile: NginxGatewayTests.repository + "/.github/workflows/cd.yml", encoding: .utf8)
        #expect(cd.contains("workflow_run:\n    workflows: [ci]\n    types: [completed]"))
        #expect(cd.contains("github.event.workflow_run.conclusion == 'success'"))
        #expect(cd.contains("ref: ${{ github.event.workflow_run.head_sha }}"))
        #expect(cd.contains("IMAGE: ${{ needs.image.outputs.image }}@${{ needs.image.outputs.digest }}"))
        #expect(cd.contains("cache-from: type=gha"))
        #expect(cd.contains("rollout status") && cd.contains("rollout undo") && cd.contains("if: failure()"))
        let ci = try String(contentsOfFile: NginxGatewayTests.repository + "/.github/workflows/ci.yml", encoding: .utf8)
        #expect(ci.contains("tags: [\"v*\"]") && ci.contains("file: docker/Dockerfile") && ci.contains("push: false"))
    }
}
