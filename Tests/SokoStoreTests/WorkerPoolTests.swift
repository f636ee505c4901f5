import Glibc
import SokoWorkers
import Synchronization
import Testing

/// The store's worker threads start as the queue needs them, up to the pool's size.
@Suite("Worker pool")
struct WorkerPoolTests {
    /// A counter the workers share.
    final class Counter: Sendable {
        let count = Atomic(0)
    }

    @Test func callsOneAtATimeKeepOneWorkerAndOneConnection() async throws {
        let opened = Counter()
        let pool = try WorkerPool<Int>(
            size: 4, open: { opened.count.add(1, ordering: .relaxed).newValue }, close: { _ in })
        defer { pool.shutdown() }
        var connections: Set<Int> = []
        for _ in 0..<20 { connections.insert(try await pool.run { $0 }) }
        #expect(pool.startedWorkers == 1)
        #expect(connections.count == 1)
        #expect(opened.count.load(ordering: .relaxed) == 2)  // the probe, then the one worker's
    }

    /// Four calls that each wait for the other three can only finish if four workers run them at
    /// once; eight such calls never start more than the pool's four.
    @Test(arguments: [4, 8])
    func concurrentCallsStartWorkersUpToTheSize(calls: Int) async throws {
        let pool = try WorkerPool<Void>(size: 4, open: {}, close: { _ in })
        defer { pool.shutdown() }
        let arrived = Counter()
        let met = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    try await pool.run { _ in
                        let round = arrived.count.add(1, ordering: .relaxed).newValue <= 4 ? 4 : 8
                        let deadline = ContinuousClock.now + .seconds(10)
                        while arrived.count.load(ordering: .relaxed) < min(round, calls) {
                            if ContinuousClock.now > deadline { return false }
                            usleep(1_000)
                        }
                        return true
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(met == Array(repeating: true, count: calls))
        #expect(pool.startedWorkers == 4)
    }
}
