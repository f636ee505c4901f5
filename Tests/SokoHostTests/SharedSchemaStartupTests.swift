import Foundation
import SokoFunctions
import SokoHost
import SokoStore
import Testing

/// Units that share a schema (`catalog` and `catalog-get-product`) start at the same instant in
/// production. PostgreSQL's `CREATE … IF NOT EXISTS` is not atomic, so without the advisory lock
/// one of them died on "relation/type soko_… already exists" (the chaos run, issue 15).
@Suite struct SharedSchemaStartupTests {
    static let migrations: [Migration] = [
        Migration(1, "things", ["CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"]),
        Migration(2, "things by n", ["CREATE INDEX things_n ON things (n)"]),
    ]

    @Test(arguments: [8])
    func concurrentStartsOnOnePostgreSQLSchemaAllSucceed(replicas: Int) async throws {
        guard let url = ProcessInfo.processInfo.environment["SOKO_TEST_POSTGRES_URL"], !url.isEmpty else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "SOKO_TEST_POSTGRES_URL is not set under CI")
            return
        }
        // Several rounds, each on a fresh schema: the race is in the first creation only.
        for _ in 0..<5 {
            let prefix = "t" + UUID().uuidString.lowercased().prefix(8) + "_"
            let configuration = StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix), poolSize: 1)
            let outcomes = await withTaskGroup(of: Result<ServiceStores, any Error>.self) { group in
                for _ in 0..<replicas {
                    group.addTask {
                        do {
                            return .success(
                                try await ServiceStores.open(
                                    migrations: ["catalog": Self.migrations], services: ["catalog"],
                                    configuration: configuration))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var outcomes: [Result<ServiceStores, any Error>] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            var opened: [ServiceStores] = []
            for outcome in outcomes {
                switch outcome {
                case .success(let stores): opened.append(stores)
                case .failure(let error): Issue.record("a replica failed to start: \(error)")
                }
            }
            #expect(opened.count == replicas)
            // Every migration ran exactly once, and the host's tables are usable from every replica.
            #expect(opened.compactMap { $0.reports["catalog"]?.current }.allSatisfy { $0 == 2 })
            #expect(opened.map { $0.reports["catalog"]?.applied.count ?? 0 }.reduce(0, +) == 2)
            for stores in opened {
                let rows = try await stores.store(for: "catalog").query("SELECT COUNT(*) AS n FROM soko_outbox", [])
                #expect(try rows.first?.int("n") == 0)
            }
            for stores in opened { await stores.close() }
        }
    }
}
