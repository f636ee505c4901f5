import SokoFunctions
import SokoSecurity
import Synchronization

/// The service's ES256 signing keys: generated on first use and stored in its database, so
/// every replica signs with the same key and publishes the same JWKS.
///
/// Two keys are always live: the oldest signs, the next is already published. Rotating (retire
/// the signing key, add a new next one) then never meets a verifier that has not seen the new
/// signing key, and tokens signed before a rotation keep verifying until they expire.
final class KeyRing: Sendable {
    /// The keys and when they were read; read again after a minute, so a rotation (or another
    /// replica's first key) reaches every replica.
    private let cache = Mutex<(keys: [SigningKey], read: ContinuousClock.Instant)?>(nil)
    private let maxAge: Duration = .seconds(60)

    /// The key that signs new tokens (the oldest live one).
    func current(store: Store) async throws -> SigningKey {
        try await keys(store: store).first!
    }

    func jwks(store: Store) async throws -> JWKS {
        JWKS(keys: try await keys(store: store).map(\.publicJWK))
    }

    /// The stored keys, oldest first; the first call on an empty table makes one.
    private func keys(store: Store) async throws -> [SigningKey] {
        if let cached = cache.withLock({ $0 }), ContinuousClock.now - cached.read < maxAge { return cached.keys }
        var keys = try await load(store)
        if keys.count < 2 {
            for index in keys.count..<2 {
                let fresh = SigningKey()
                // created_at orders the keys; the suffix keeps two made in one millisecond in order.
                try await store.execute(
                    "INSERT INTO signing_keys (kid, pem, created_at) VALUES ($1, $2, $3)",
                    [.text(fresh.kid), .text(fresh.pem), .text(Timestamp.now() + "#\(index)")])
            }
            keys = try await load(store)  // replicas racing here may add extra keys: all are published
        }
        cache.withLock { $0 = (keys, ContinuousClock.now) }
        return keys
    }

    private func load(_ store: Store) async throws -> [SigningKey] {
        try await store.query(
            "SELECT pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at, kid", []
        ).map { try SigningKey(pem: try $0.string("pem") ?? "") }
    }
}
