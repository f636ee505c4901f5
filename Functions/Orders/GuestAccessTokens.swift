import Crypto
import SokoFunctions

/// Order-access tokens: the bearer secrets that open one guest order (its page, payment and
/// cancellation) without an account. 32 random bytes in base64url; the store keeps only their
/// SHA-256, so a leaked table opens nothing. An order may have several live tokens: the one the
/// 201 answer returns, one per retry of the placement (the first cannot be shown again), and the
/// one in each mail that carries the link. They stay valid for ``lifetime`` — long enough to pay,
/// follow the delivery and come back about a return — and are not spent by use.
enum GuestAccessTokens {
    /// 60 days.
    static let lifetime = 60 * 24 * 3600

    /// A new token for `orderID`, stored (as its hash) in the caller's transaction.
    static func issue(orderID: String, at now: WallTime, in transaction: Transaction) throws -> (
        token: String, expiresAt: WallTime
    ) {
        var generator = SystemRandomNumberGenerator()
        let token = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let expires = now.adding(seconds: lifetime)
        try transaction.execute(
            "INSERT INTO guest_access_tokens (token_hash, order_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            [.text(hash(token)), .text(orderID), .text(now.timestamp), .text(expires.timestamp)])
        return (token, expires)
    }

    /// As ``issue(orderID:at:in:)``, in a transaction of its own.
    static func issue(orderID: String, at now: WallTime, store: Store) async throws -> (token: String, expiresAt: WallTime) {
        try await store.transaction { transaction in try issue(orderID: orderID, at: now, in: transaction) }
    }

    /// Whether `token` is a live token of the order `orderID`. Anything else — unknown, expired,
    /// another order's, malformed — is simply false, so callers answer 404 as for a missing order.
    static func opens(_ token: String?, orderID: String, at now: WallTime, store: Store) async throws -> Bool {
        guard let token, isWellFormed(token) else { return false }
        return try await !store.query(
            "SELECT order_id FROM guest_access_tokens WHERE token_hash = $1 AND order_id = $2 AND expires_at > $3",
            [.text(hash(token)), .text(orderID), .text(now.timestamp)]
        ).isEmpty
    }

    /// The order a live `token` opens, or nil.
    static func order(of token: String, at now: WallTime, store: Store) async throws -> String? {
        guard isWellFormed(token) else { return nil }
        return try await store.query(
            "SELECT order_id FROM guest_access_tokens WHERE token_hash = $1 AND expires_at > $2",
            [.text(hash(token)), .text(now.timestamp)]
        ).first.flatMap { try $0.string("order_id") }
    }

    /// Deletes the tokens that expired by `now` (the expiry schedule's last step); returns how many.
    @discardableResult
    static func deleteExpired(at now: WallTime, store: Store) async throws -> Int {
        try await store.execute("DELETE FROM guest_access_tokens WHERE expires_at <= $1", [.text(now.timestamp)])
    }

    /// 43 base64url characters (what ``issue(orderID:at:in:)`` makes).
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && Base64URL.decode(token)?.count == 32
    }

    static func hash(_ token: String) -> String { Base64URL.encode(SHA256.hash(data: Array(token.utf8))) }
}
