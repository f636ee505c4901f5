import Synchronization

/// A verifier that remembers tokens it has verified until they expire.
///
/// A client presents the same access token on every request for up to 15 minutes; checking its
/// ES256 signature each time costs ~70 µs, a dictionary hit well under one. Only tokens that
/// passed every check are remembered, keyed by their exact text, and expiry is checked on every
/// hit. Bounded: when full, the cache starts over.
public final class CachingTokenVerifier: Sendable {
    public let verifier: TokenVerifier
    private let capacity: Int
    private let verified = Mutex<[String: AccessTokenClaims]>([:])

    public init(_ verifier: TokenVerifier, capacity: Int = 10_000) {
        self.verifier = verifier
        self.capacity = capacity
    }

    public func verify(_ token: String, now: Int) throws(TokenError) -> AccessTokenClaims {
        if let claims = verified.withLock({ $0[token] }) {
            if claims.exp + verifier.leeway > now { return claims }
            verified.withLock { _ = $0.removeValue(forKey: token) }
            throw .expired
        }
        let claims = try verifier.verify(token, now: now)
        verified.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[token] = claims
        }
        return claims
    }
}
