import Glibc
import SokoHTTP
import Testing

@testable import SokoHost

/// Handlers run on the loop thread that owns their connection, before and after suspending:
/// no thread hop per request.
@Suite("Loop affinity")
struct LoopAffinityTests {
    @Test func handlerRunsAndResumesOnItsConnectionsLoop() async throws {
        let host = try await LiveHost.start(loops: 2)
        var loopThreads = Set<UInt>()
        for loop in host.running.group.loops {
            let id = await withCheckedContinuation { continuation in
                loop.execute { continuation.resume(returning: UInt(pthread_self())) }
            }
            loopThreads.insert(id)
        }
        for _ in 0..<4 {
            let client = try host.client()
            client.send("GET /thread HTTP/1.1\r\nHost: x\r\n\r\n")
            let parts = try await client.readResponse().text.split(separator: " ").compactMap { UInt($0) }
            #expect(parts.count == 2)
            #expect(loopThreads.contains(parts[0]))
            #expect(parts[0] == parts[1])
        }
        #expect(await host.stop())
    }

    @Test func connectionsAreSpreadAcrossLoops() async throws {
        // SO_REUSEPORT hashes each connection to one loop's socket: with 24 connections, all of
        // them landing on one of two loops has odds of 2^-23.
        let host = try await LiveHost.start(loops: 2)
        var threads = Set<String>()
        var clients: [RawClient] = []
        for _ in 0..<24 {
            let client = try host.client()
            client.send("GET /thread HTTP/1.1\r\nHost: x\r\n\r\n")
            threads.insert(String(try await client.readResponse().text.split(separator: " ")[0]))
            clients.append(client)
        }
        #expect(threads.count == 2)
        #expect(await host.stop())
    }
}
