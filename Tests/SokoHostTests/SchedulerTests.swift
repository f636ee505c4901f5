import Foundation
import SokoFunctions
import SokoHTTP
import SokoManifest
import Synchronization
import Testing

@testable import SokoHost

@Suite("Schedules")
struct SchedulerTests {
    // 2026-11-25 13:22:34 UTC, a Wednesday.
    static let now = 1_795_612_954

    @Test(arguments: [
        ("every 10m", 1_795_613_400),  // next multiple of 600 s
        ("every 30s", 1_795_612_980),
        ("*/5 * * * *", 1_795_613_100),  // 13:25
        ("0 9 * * *", 1_795_683_600),  // tomorrow 09:00
        ("0 9 * * 1", 1_796_029_200),  // next Monday (30 Nov) 09:00
        ("30 8 1 * *", 1_796_113_800),  // 1 December 08:30
    ])
    func nextTicks(_ text: String, _ expected: Int) throws {
        let schedule = try #require(ScheduleParser.parse(text))
        #expect(ScheduleClock.nextTick(after: Self.now, schedule: schedule) == expected)
    }

    final class Ticks: Sendable {
        let runs = Mutex<[String]>([])
    }

    static let ticks = Ticks()

    enum Tick: FunctionBundle {
        static let service = "ticker"
        static let migrations = [Migration(1, "nothing", ["CREATE TABLE ticker_notes (id INTEGER PRIMARY KEY)"])]
        static func register(_ registry: inout FunctionRegistry) {
            registry.raw("everySecond") { _, context in
                SchedulerTests.ticks.runs.withLock { $0.append(context.requestID) }
                return .noContent
            }
        }
        static let manifest = """
            service: ticker
            functions:
              everySecond:
                schedule: every 1s
            """
    }

    @Test func twoReplicasSharingAStoreRunEachTickOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-ticks-\(UUID().uuidString)").path
        var running: [RunningHost] = []
        for _ in 0..<2 {
            let configuration = HostConfiguration(
                server: ServerConfiguration(host: "127.0.0.1", port: 0), loops: 1, accessLog: .discard,
                store: StoreConfiguration(backend: .sqlite(directory: folder)))
            let host = try FunctionHost(
                manifests: [try ManifestParser.parse(yaml: Tick.manifest, file: "ticker.yaml")], bundles: [Tick.self],
                configuration: configuration)
            let group = EventLoopGroup(loopCount: 1)
            group.start()
            running.append(try await host.start(on: group))
        }
        // Wait (bounded) for three ticks to have run somewhere.
        let deadline = ContinuousClock.now + .seconds(8)
        while Self.ticks.runs.withLock({ $0.count }) < 3 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        // Stopped first: a claimed tick's run has finished before the loops close.
        for host in running { #expect(await host.stop(drainTimeout: .seconds(2))) }
        let store = try SQLiteStore(path: folder + "/ticker.sqlite")
        let claims = try await store.query("SELECT tick, COUNT(*) AS n FROM soko_schedule_runs GROUP BY tick", [])
        await store.close()
        #expect(claims.count >= 3)
        #expect(try claims.allSatisfy { try $0.int("n") == 1 })
        // Each claimed tick ran exactly once, in one of the two replicas.
        #expect(Self.ticks.runs.withLock { $0.count } == claims.count)
    }
}
