import Foundation
import SokoFunctions
import Testing
import Users

/// Accounts and tokens are dated by the context's clock, not the machine's.
@Suite("Users clock")
struct UsersClockTests {
    static let now = 1_700_000_000

    @Test func registrationAndSignInUseTheContextsClock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-users-\(UUID().uuidString)").path
        let store = try SQLiteStore(path: folder + "/users.sqlite")
        for statement in HostTables.statements(for: .sqlite) { _ = try await store.execute(statement, []) }
        _ = try await Migrator.migrate(store, migrations: UsersBundle.migrations)
        let compute = ComputePool(threads: 1)
        let registry = UsersBundle.registry(environment: ["SOKO_ARGON2_MEMORY_KIB": "1024"], compute: compute)
        func call(_ function: String, _ body: String) async throws -> FunctionResponse {
            var request = FunctionRequest(method: "POST", path: "/", headers: ["Content-Type": "application/json"])
            request.body = Array(body.utf8)
            let context = FunctionContext(
                requestID: "users-clock", deadline: .now + .seconds(30), service: "users", function: function,
                request: request, store: store, clock: .fixed(WallTime(unixSeconds: Self.now)),
                logger: Logger(label: "users-clock"))
            return try await registry.handlers[function]!(request, context: context)
        }

        let registered = try await call("register", #"{"email":"ann@example.com","password":"long enough pw","name":"Ann"}"#)
        #expect(registered.status == 201)
        let signedIn = try await call("login", #"{"email":"ann@example.com","password":"long enough pw"}"#)
        #expect(signedIn.status == 200)

        let created = try await store.query("SELECT created_at FROM users", []).first?.string("created_at")
        #expect(created == "2023-11-14T22:13:20.000Z")
        let expiry = try await store.query("SELECT expires_at FROM refresh_tokens", []).first?.int("expires_at")
        #expect(expiry == Self.now + 30 * 24 * 3600)
        await store.close()
        compute.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
