import SokoFunctions
import SokoSecurity
import Synchronization

/// The service's ES256 signing keys: generated on first use and stored in its database, so
/// every replica signs with the same key and publishes the same JWKS. The newest key signs; all
/// keys not retired are published, so tokens signed before a rotation still verify.
final class KeyRing: Sendable {
    private let cache = Mutex<[SigningKey]?>(nil)

    /// The key that signs new tokens.
    func current(store: Store) async throws -> SigningKey {
        try await keys(store: store).last!
    }

    func jwks(store: Store) async throws -> JWKS {
        JWKS(keys: try await keys(store: store).map(\.publicJWK))
    }

    /// The stored keys, oldest first; the first call on an empty table makes one.
    private func keys(store: Store) async throws -> [SigningKey] {
        if let cached = cache.withLock({ $0 }) { return cached }
        var keys = try await load(store)
        if keys.isEmpty {
            let fresh = SigningKey()
            do {
                try await store.execute(
                    "INSERT INTO signing_keys (kid, pem, created_at) VALUES ($1, $2, $3)",
                    [.text(fresh.kid), .text(fresh.pem), .text(Timestamp.now())])
            } catch StoreError.uniqueViolation {}
            keys = try await load(store)  // another replica may have won: everyone uses what is stored
        }
        cache.withLock { $0 = keys }
        return keys
    }

    private func load(_ store: Store) async throws -> [SigningKey] {
        try await store.query(
            "SELECT pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at, kid", []
        ).map { try SigningKey(pem: try $0.string("pem") ?? "") }
    }
}
