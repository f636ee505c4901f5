import SokoFunctions
import SokoSecurity

/// Operator actions on accounts, for the `soko users` command (works while the server runs:
/// it goes through the same store and constraints). They run outside any handler, so they date
/// their rows by the system clock.
public enum UsersAdministration {
    public enum Outcome: Equatable, Sendable {
        case created(id: String)
        case promoted(id: String)
    }

    /// Creates an admin account, or gives an existing account the admin role (its password is
    /// then left as it is).
    public static func createAdmin(email rawEmail: String, password: String, store: Store, compute: ComputePool)
        async throws -> Outcome
    {
        guard let email = AccountRules.normalise(email: rawEmail) else {
            throw FunctionError.validation([FieldError(field: "email", message: "must be an email address")])
        }
        let now = WallClock.system.now().timestamp
        if let existing = try await User.find(email: email, in: store) {
            if !existing.roles.contains("admin") {
                try await store.execute(
                    "UPDATE users SET roles = $1, updated_at = $2 WHERE id = $3",
                    [.text((existing.roles + ["admin"]).joined(separator: ",")), .text(now), .text(existing.id)])
            }
            return .promoted(id: existing.id)
        }
        let problems = AccountRules.passwordProblems(password, email: email)
        guard problems.isEmpty else { throw FunctionError.validation(problems) }
        let hash = try await PasswordHasher(pool: compute).hash(password)
        let id = "usr_" + RandomToken.make(bytes: 12)
        try await store.execute(
            """
            INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [.text(id), .text(email), .text("Administrator"), .text(hash), .text("customer,admin"), .text(now), .text(now)])
        return .created(id: id)
    }

    /// A signing key as the operator sees it.
    public struct KeyState: Equatable, Sendable {
        public var kid: String
        /// Whether new tokens are signed with it (else it is published only).
        public var signing: Bool
    }

    /// Adds a signing key: the key that was next starts signing, the old signer stays published
    /// until retired. Returns the live keys, oldest first.
    public static func rotateKeys(store: Store) async throws -> [KeyState] {
        states(try await KeyRing.rotate(at: WallClock.system.now(), store: store))
    }

    /// Unpublishes the key `kid`; tokens it signed stop verifying everywhere within twice
    /// `SOKO_JWKS_REFRESH`. Returns the live keys, or nil when no live key is `kid`.
    public static func retireKey(_ kid: String, store: Store) async throws -> [KeyState]? {
        let now = WallClock.system.now()
        guard try await KeyRing.retire(kid: kid, at: now, store: store) else { return nil }
        return states(try await KeyRing.live(at: now, store: store))
    }

    /// The live keys, oldest first (two are made when there are none).
    public static func keys(store: Store) async throws -> [KeyState] {
        states(try await KeyRing.live(at: WallClock.system.now(), store: store))
    }

    private static func states(_ keys: [SigningKey]) -> [KeyState] {
        keys.enumerated().map { KeyState(kid: $1.kid, signing: $0 == keys.count - 2) }
    }
}
