import Glibc
import SokoWorkers
import Testing

@testable import SokoSecurity

@Suite("Password hashing")
struct PasswordHasherTests {
    @Test func owaspParametersAreRecordedInTheHash() async throws {
        let pool = ComputePool(threads: 1)
        let hasher = PasswordHasher(pool: pool)
        let hash = try await hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try await hasher.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("correct horse battery stapler", against: hash))
        pool.shutdown()
    }

    @Test func saltsDifferAndGarbageNeverMatches() async throws {
        let pool = ComputePool(threads: 2)
        let hasher = PasswordHasher(parameters: .init(memoryKiB: 1024, iterations: 1, parallelism: 1), pool: pool)
        let first = try await hasher.hash("same password")
        let second = try await hasher.hash("same password")
        #expect(first != second)
        #expect(try await !hasher.verify("same password", against: "not a hash"))
        #expect(try await !hasher.verify("", against: first))
        pool.shutdown()
    }

    @Test func hashingRunsOffTheCallersThread() async throws {
        let pool = ComputePool(threads: 1)
        let caller = pthread_self()
        let worker = try await pool.run { pthread_self() }
        #expect(pthread_equal(caller, worker) == 0)
        pool.shutdown()
    }
}
