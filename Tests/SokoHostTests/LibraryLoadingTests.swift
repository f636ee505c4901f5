import Foundation
import SokoTesting
import Testing

/// libpq and libcurl are loaded with dlopen on first use, not linked (docs/function-host.md "How
/// the C libraries load"): the binary does not list them, a process that needs neither never maps
/// them, and a process whose configuration needs one that is missing refuses to start, naming the
/// package to install.
@Suite("soko binary: libpq and libcurl loaded on first use", .serialized)
struct LibraryLoadingTests {
    static let deferred = ["libpq.so", "libcurl.so", "libssl.so", "libcrypto.so", "libgnutls.so", "libkrb5.so"]

    @Test func theBinaryDoesNotLinkLibpqNorLibcurl() async throws {
        let text = try await ChildProcess.run("/usr/bin/ldd", [SokoBinary.url.path]).output
        #expect(text.contains("libuv.so"), "ldd printed: \(text)")  // the listing is real
        for library in Self.deferred {
            #expect(!text.contains(library), "ldd lists \(library): \(text)")
        }
    }

    @Test func aServiceThatNeedsNeitherNeverMapsThem() async throws {
        let host = try await ServingProcess.start(
            ["serve", "--host", "127.0.0.1", "--port", "0", "--service", "examples"],
            environment: ["SOKO_DATA": NSTemporaryDirectory() + "soko-dlopen-\(UUID().uuidString)"])
        defer { host.stopBlocking() }
        let client = try RawClient(port: host.port)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "hello")
        // Read to the end: /proc files report no size, so a one-shot read may stop early.
        let file = try #require(FileHandle(forReadingAtPath: "/proc/\(host.process.processIdentifier)/maps"))
        let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        #expect(maps.contains("libuv.so"))
        for library in Self.deferred {
            #expect(!maps.contains(library), "\(library) is mapped")
        }
    }

    @Test func aMissingLibpqStopsAPostgreSQLHostAtStart() async throws {
        let result = try await SokoBinary.run(
            ["serve", "--port", "0", "--service", "users"],
            environment: [
                "SOKO_DATABASE_URL": "postgresql://soko@127.0.0.1:1/soko", "SOKO_LIBPQ": "libpq-not-installed.so.5",
                "SOKO_DATA": NSTemporaryDirectory() + "soko-dlopen-\(UUID().uuidString)",
            ])
        #expect(result.status != 0)
        #expect(result.error.contains("libpq-not-installed.so.5 not found: install libpq5"), "stderr: \(result.error)")
    }

    @Test func aCallWithoutLibcurlFailsNamingThePackage() async throws {
        // `soko health` calls out through a StandaloneClient: the call fails, saying why.
        let result = try await SokoBinary.run(
            ["health", "--url", "http://127.0.0.1:1/healthz"], environment: ["SOKO_LIBCURL": "libcurl-not-installed.so.4"])
        #expect(result.status == 1)
        #expect(
            result.error.contains("answered nothing (libcurl-not-installed.so.4 not found: install libcurl4"), "\(result.error)")
    }

    @Test func aMissingLibcurlStopsAHostConfiguredToCallOut() async throws {
        let result = try await SokoBinary.run(
            ["serve", "--port", "0", "--service", "examples"],
            environment: [
                "SOKO_JWKS_URL": "http://127.0.0.1:1/.well-known/jwks.json", "SOKO_LIBCURL": "libcurl-not-installed.so.4",
                "SOKO_DATA": NSTemporaryDirectory() + "soko-dlopen-\(UUID().uuidString)",
            ])
        #expect(result.status != 0)
        #expect(result.error.contains("libcurl-not-installed.so.4 not found: install libcurl4"), "stderr: \(result.error)")
    }
}
