import SokoFunctions
import SokoSecurity
import Synchronization

/// The service's ES256 signing keys: generated on first use and stored in its database, so
/// every replica signs with the same key and publishes the same JWKS.
///
/// Every live (unretired) key is published; the second newest signs, and the newest is the
/// next one, published ahead of its use. Rotating (``rotate(at:store:)``, `soko users rotate-keys`)
/// adds a new newest key, so the next one starts signing — a key every verifier has already
/// fetched — and the old signer stays published, so tokens it signed keep verifying until they
/// expire. Retiring a key (``retire(kid:at:store:)``, `soko users retire-key`) unpublishes it:
/// tokens it signed stop verifying once the replicas re-read their keys (``maxAge``) and the
/// hosts re-fetch the JWKS (`SOKO_JWKS_REFRESH`).
final class KeyRing: Sendable {
    /// The keys and when they were read; read again after ``maxAge``, so a rotation (or another
    /// replica's first key) reaches every replica.
    private let cache = Mutex<(keys: [SigningKey], read: ContinuousClock.Instant)?>(nil)
    let maxAge: Duration

    init(maxAge: Duration = .seconds(60)) {
        self.maxAge = maxAge
    }

    /// The key that signs new tokens (the second newest live one); keys missing at `now` are made.
    func current(at now: WallTime, store: Store) async throws -> SigningKey {
        let keys = try await keys(at: now, store: store)
        return keys[keys.count - 2]
    }

    /// The live keys' public halves, as `jwks` publishes them.
    func jwks(at now: WallTime, store: Store) async throws -> JWKS {
        JWKS(keys: try await keys(at: now, store: store).map(\.publicJWK))
    }

    /// The live keys, oldest first; at least two (missing ones are made).
    private func keys(at now: WallTime, store: Store) async throws -> [SigningKey] {
        if let cached = cache.withLock({ $0 }), ContinuousClock.now - cached.read < maxAge { return cached.keys }
        let keys = try await Self.live(at: now, store: store)
        cache.withLock { $0 = (keys, ContinuousClock.now) }
        return keys
    }

    /// The live keys, oldest first, after making enough of them (dated `now`) that there are two.
    static func live(at now: WallTime, store: Store) async throws -> [SigningKey] {
        var keys = try await load(store)
        if keys.count < 2 {
            for index in keys.count..<2 { try await add(index: index, at: now, store: store) }
            keys = try await load(store)  // replicas racing here may add extra keys: all are published
        }
        return keys
    }

    /// Adds a new newest key; the key that was next starts signing. Returns the live keys.
    static func rotate(at now: WallTime, store: Store) async throws -> [SigningKey] {
        let keys = try await live(at: now, store: store)
        try await add(index: keys.count, at: now, store: store)
        return try await load(store)
    }

    /// Unpublishes `kid`. Returns false when no live key has that id. Retiring the signer hands
    /// signing to the next key (a new next one is made); retiring the next key makes a new one,
    /// so the signer stays; at least two keys are always live.
    static func retire(kid: String, at now: WallTime, store: Store) async throws -> Bool {
        let before = try await live(at: now, store: store)
        let retired = try await store.execute(
            "UPDATE signing_keys SET retired_at = $1 WHERE kid = $2 AND retired_at IS NULL",
            [.text(now.timestamp), .text(kid)])
        guard retired == 1 else { return false }
        if before.suffix(2).contains(where: { $0.kid == kid }) {
            try await add(index: before.count, at: now, store: store)
        }
        _ = try await live(at: now, store: store)
        return true
    }

    private static func add(index: Int, at now: WallTime, store: Store) async throws {
        let fresh = SigningKey()
        // created_at orders the keys; the suffix keeps two made in one millisecond in order.
        try await store.execute(
            "INSERT INTO signing_keys (kid, pem, created_at) VALUES ($1, $2, $3)",
            [.text(fresh.kid), .text(fresh.pem), .text(now.timestamp + "#\(index)")])
    }

    private static func load(_ store: Store) async throws -> [SigningKey] {
        try await store.query(
            "SELECT pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at, kid", []
        ).map { try SigningKey(pem: try $0.string("pem") ?? "") }
    }
}

/// `jwks` — the public signing keys (RFC 7517), which every host fetches to verify tokens.
struct PublishKeys: DependentRawFunction {
    static let name = "jwks"
    let keys: KeyRing

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try .json(try await keys.jwks(at: context.now, store: context.store))
    }
}
