// What a store call costs through the worker pool (the loops never block on the database):
// one call at a time (latency of the hop there and back), then 64 callers at once (throughput).
// SQLite in a temporary file; PostgreSQL too when SOKO_DATABASE_URL is set.
// Run: swift run -c release store-benchmark
import Foundation
import SokoStore

func seconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func run(_ label: String, _ store: Store) async throws {
    try await store.execute("CREATE TABLE IF NOT EXISTS bench (id BIGINT PRIMARY KEY, name TEXT NOT NULL)", [])
    try await store.execute("DELETE FROM bench", [])
    try await store.transaction { tx in
        for i in 0..<1_000 {
            try tx.execute("INSERT INTO bench (id, name) VALUES ($1, $2)", [.integer(Int64(i)), .text("item \(i)")])
        }
    }
    let sequential = 5_000
    var samples: [Double] = []
    for i in 0..<sequential {
        let t0 = seconds()
        _ = try await store.query("SELECT name FROM bench WHERE id = $1", [.integer(Int64(i % 1_000))])
        samples.append(seconds() - t0)
    }
    samples.sort()
    let mean = samples.reduce(0, +) / Double(samples.count)
    let callers = 64, perCaller = 200
    let start = seconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for c in 0..<callers {
            group.addTask {
                for i in 0..<perCaller {
                    _ = try await store.query(
                        "SELECT name FROM bench WHERE id = $1", [.integer(Int64((c * perCaller + i) % 1_000))])
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds() - start
    print(
        "\(label): one at a time mean \(String(format: "%.1f", mean * 1e6)) µs, p99 \(String(format: "%.1f", samples[samples.count * 99 / 100] * 1e6)) µs; "
            + "64 callers \(Int(Double(callers * perCaller) / elapsed)) queries/s")
    await store.close()
}

let folder = NSTemporaryDirectory() + "soko-store-bench-\(UUID().uuidString)"
try await run("SQLite (4 workers)", try SQLiteStore(path: folder + "/bench.sqlite"))
if let url = ProcessInfo.processInfo.environment["SOKO_DATABASE_URL"] {
    try await run("PostgreSQL (4 workers)", try PostgresStore(url: url, schema: "bench", poolSize: 4))
}
try? FileManager.default.removeItem(atPath: folder)
