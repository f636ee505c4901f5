import Foundation
import SokoTesting
import Testing

@testable import Payments

@Suite("Stripe signatures")
struct StripeSignatureTests {
    static let body = Array(#"{"id":"evt_1","object":"event"}"#.utf8)

    /// integrations.md §2.7's vector (Python hmac and openssl agree on it).
    @Test func matchesTheDocumentedVector() throws {
        #expect(
            StripeSignature.signature(payload: Self.body, secret: "whsec_test", timestamp: 1_700_000_000)
                == "4c15fb2a43f93ef61eaa3e0893866d57cad9cad4223242cfb96f362480cb4021")
        try StripeSignature.verify(
            payload: Self.body, header: "t=1700000000,v1=4c15fb2a43f93ef61eaa3e0893866d57cad9cad4223242cfb96f362480cb4021",
            secrets: ["whsec_test"], now: 1_700_000_100)
    }

    @Test func anyV1MatchingAnySecretPasses() throws {
        let good = StripeSignature.signature(payload: Self.body, secret: "whsec_new", timestamp: 1_700_000_000)
        let header = "t=1700000000,v1=\(String(repeating: "ab", count: 32)),v0=deadbeef,v1=\(good)"
        try StripeSignature.verify(payload: Self.body, header: header, secrets: ["whsec_old", "whsec_new"], now: 1_700_000_000)
    }

    @Test func refusals() {
        let t = 1_700_000_000
        let header = StripeSignature.header(payload: Self.body, secret: "whsec_test", timestamp: t)
        func failure(_ body: [UInt8], _ header: String?, secrets: [String] = ["whsec_test"], now: Int = t)
            -> StripeSignature.Failure?
        {
            do {
                try StripeSignature.verify(payload: body, header: header, secrets: secrets, now: now)
                return nil
            } catch {
                return error
            }
        }
        #expect(failure(Self.body, nil) == .missing)
        #expect(failure(Self.body, "") == .missing)
        #expect(failure(Self.body, "v1=abc") == .malformed)
        #expect(failure(Self.body, "t=\(t)") == .malformed)
        #expect(failure(Self.body, "t=\(t),v0=\(String(repeating: "0", count: 64))") == .malformed)
        #expect(failure(Self.body + [0x20], header) == .noMatch)
        #expect(failure(Self.body, header, secrets: ["whsec_other"]) == .noMatch)
        // The key is the whole secret, prefix included: the bare suffix is another key.
        #expect(failure(Self.body, header, secrets: ["test"]) == .noMatch)
        #expect(failure(Self.body, header, now: t + 301) == .outsideTolerance(timestamp: t))
        #expect(failure(Self.body, header, now: t - 301) == .outsideTolerance(timestamp: t))
        #expect(failure(Self.body, header, now: t + 300) == nil)
        #expect(failure(Self.body, header, now: t - 300) == nil)
    }
}

/// Our signatures against Stripe's own library, and headers made by Python's hmac against ours.
@Suite("Stripe signature oracle (stripe-python)")
struct StripeOracleTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Oracle/stripe_oracle.py").path

    static var stripeInstalled: Bool { (try? run(["-c", "import stripe"]).status) == 0 }

    /// For the trait above only (evaluated once, before the tests run).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func oracle(_ mode: String, payload: [UInt8], _ rest: [String]) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stripe-payload-\(UUID().uuidString)")
        try Data(payload).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(command: ["python3", script, mode, file.path] + rest)
        return (result.status, result.combined.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let payload = Array(
        #"{"id":"evt_3Oracle","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","amount":153450,"note":"caf\u00e9 ✓"}}}"#
            .utf8)

    @Test(.enabled(if: stripeInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
    func stripeAcceptsOurHeaders() async throws {
        let now = Int(Date().timeIntervalSince1970)
        let header = StripeSignature.header(payload: Self.payload, secret: "whsec_oracle", timestamp: now)
        let result = try await Self.oracle("verify", payload: Self.payload, [header, "whsec_oracle"])
        #expect(result.status == 0, "stripe refused our header: \(result.output)")
    }

    @Test(.enabled(if: stripeInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
    func stripeRefusesWhatWeRefuse() async throws {
        let now = Int(Date().timeIntervalSince1970)
        let header = StripeSignature.header(payload: Self.payload, secret: "whsec_oracle", timestamp: now)
        // Wrong secret, tampered body, stale timestamp: stripe-python refuses them too.
        #expect(try await Self.oracle("verify", payload: Self.payload, [header, "whsec_other"]).status == 1)
        #expect(try await Self.oracle("verify", payload: Self.payload + [0x20], [header, "whsec_oracle"]).status == 1)
        let stale = StripeSignature.header(payload: Self.payload, secret: "whsec_oracle", timestamp: now - 301)
        #expect(try await Self.oracle("verify", payload: Self.payload, [stale, "whsec_oracle"]).status == 1)
    }

    @Test func weAcceptHeadersPythonHMACMakes() async throws {
        let now = Int(Date().timeIntervalSince1970)
        let made = try await Self.oracle("sign", payload: Self.payload, ["whsec_oracle", String(now)])
        #expect(made.status == 0, "\(made.output)")
        try StripeSignature.verify(payload: Self.payload, header: made.output, secrets: ["whsec_oracle"], now: now)
        #expect(throws: StripeSignature.Failure.noMatch) {
            try StripeSignature.verify(payload: Self.payload, header: made.output, secrets: ["whsec_x"], now: now)
        }
    }
}
