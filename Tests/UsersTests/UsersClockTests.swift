import Foundation
import SokoFunctions
import Synchronization
import Testing
import Users

/// A clock a test moves by hand, for handlers that read `context.now`.
final class MovableClock: Sendable {
    private let time: Mutex<WallTime>

    init(_ start: WallTime) { time = Mutex(start) }

    var clock: WallClock { WallClock { self.time.withLock { $0 } } }

    func advance(milliseconds: Int64) { time.withLock { $0.unixMilliseconds += milliseconds } }
}

/// The users service's handlers on a fresh SQLite store, called directly with `clock` as their
/// context's clock (the host's own clock is the system's).
struct UsersOnClock {
    let folder: String
    let store: SQLiteStore
    let compute = ComputePool(threads: 1)
    let registry: FunctionRegistry
    let clock: WallClock

    init(clock: WallClock) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-users-\(UUID().uuidString)").path
        store = try SQLiteStore(path: folder + "/users.sqlite")
        for statement in HostTables.statements(for: .sqlite) { _ = try await store.execute(statement, []) }
        _ = try await Migrator.migrate(store, migrations: UsersBundle.migrations)
        registry = UsersBundle.registry(environment: ["SOKO_ARGON2_MEMORY_KIB": "1024"], compute: compute)
        self.clock = clock
    }

    func call(_ function: String, _ body: String) async throws -> FunctionResponse {
        var request = FunctionRequest(method: "POST", path: "/", headers: ["Content-Type": "application/json"])
        request.body = Array(body.utf8)
        let context = FunctionContext(
            requestID: "users-clock", deadline: .now + .seconds(30), service: "users", function: function,
            request: request, store: store, clock: clock, logger: Logger(label: "users-clock"))
        do {
            return try await registry.handlers[function]!(request, context: context)
        } catch let error as FunctionError {
            return FunctionResponse(status: error.problem.status)
        }
    }

    func close() async {
        await store.close()
        compute.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// Accounts and tokens are dated by the context's clock, not the machine's.
@Suite("Users clock")
struct UsersClockTests {
    static let now = 1_700_000_000
    static let register = #"{"email":"ann@example.com","password":"long enough pw","name":"Ann"}"#
    static let right = #"{"email":"ann@example.com","password":"long enough pw"}"#
    static let wrong = #"{"email":"ann@example.com","password":"wrong password!"}"#

    @Test func registrationAndSignInUseTheContextsClock() async throws {
        let users = try await UsersOnClock(clock: .fixed(WallTime(unixSeconds: Self.now)))
        let store = users.store
        #expect(try await users.call("register", Self.register).status == 201)
        #expect(try await users.call("login", Self.right).status == 200)

        let created = try await store.query("SELECT created_at FROM users", []).first?.string("created_at")
        #expect(created == "2023-11-14T22:13:20.000Z")
        let refresh = try await store.query("SELECT expires_at, created_at FROM refresh_tokens", []).first
        #expect(try refresh?.int("expires_at") == Self.now + 30 * 24 * 3600)
        #expect(try refresh?.string("created_at") == "2023-11-14T22:13:20.000Z")
        // The signing keys made for the first token, and the device the sign-in remembered.
        let keys = try await store.query("SELECT created_at FROM signing_keys ORDER BY created_at", [])
        #expect(try keys.map { try $0.string("created_at") } == ["2023-11-14T22:13:20.000Z#0", "2023-11-14T22:13:20.000Z#1"])
        let device = try await store.query("SELECT created_at FROM known_devices", []).first?.int("created_at")
        #expect(device == Self.now)
        await users.close()
    }

    @Test func theSignInDelayRunsOnTheContextsClock() async throws {
        let time = MovableClock(WallTime(unixSeconds: Self.now))
        let users = try await UsersOnClock(clock: time.clock)
        #expect(try await users.call("register", Self.register).status == 201)
        for _ in 0..<5 { #expect(try await users.call("login", Self.wrong).status == 401) }
        #expect(try await users.call("login", Self.right).status == 429)
        // One second after the fifth failure, not before (a refused attempt does not extend it).
        time.advance(milliseconds: 999)
        #expect(try await users.call("login", Self.right).status == 429)
        time.advance(milliseconds: 1)
        #expect(try await users.call("login", Self.right).status == 200)
        await users.close()
    }
}
