import SokoFunctions

/// The one-time links the users service mails: password resets and email verification
/// (`account_links`).
///
/// A request is a row written with the change that asks for it (and its event); its token is
/// minted only when the notifications service composes the mail (``mint(_:at:store:)``), so no
/// token is ever written in plain text — not in the outbox, not in this table (SHA-256 only).
/// Minting again replaces the token: only the latest mailed link of a request works. A token is
/// spent by a conditional update (``consume(_:purpose:at:_:)``), so two uses racing each other
/// cannot both succeed.
enum AccountLinks {
    enum Purpose: String, Sendable {
        case passwordReset = "password_reset"
        case emailVerification = "email_verification"

        /// How long a link works: a reset link is short-lived (it is a password), a verification
        /// link waits for a shopper who reads mail once a day.
        var lifetime: Int {
            switch self {
            case .passwordReset: 30 * 60
            case .emailVerification: 24 * 3600
            }
        }

        /// Links of this purpose one email address may be sent per ``window``: a stranger cannot
        /// flood someone's inbox through the shop.
        var limit: Int {
            switch self {
            case .passwordReset: 3
            case .emailVerification: 3
            }
        }
    }

    static let window = 3600

    /// What ``request(_:email:userID:at:_:)`` did.
    enum Requested: Equatable {
        case created(id: String)
        /// Over the purpose's limit; the next request is allowed after `retryAfter` seconds.
        case throttled(retryAfter: Int)
    }

    /// Records a request for a link to `email` (for the account `userID`, or for no account: an
    /// ask about an unknown email counts against the same limit, so both cost the same work).
    /// Serialised per address on PostgreSQL so simultaneous asks all count.
    static func request(_ purpose: Purpose, email: String, userID: String?, at time: WallTime, _ tx: Transaction) throws
        -> Requested
    {
        let now = Int64(time.unixSeconds)
        if tx.dialect == .postgres {
            try tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("account_links:" + email)])
        }
        try tx.execute(
            "DELETE FROM account_links WHERE expires_at < $1 AND created_at < $1",
            [.integer(now - Int64(max(window, purpose.lifetime)))])
        let recent = try tx.query(
            """
            SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM account_links
            WHERE purpose = $1 AND email = $2 AND created_at > $3
            """,
            [.text(purpose.rawValue), .text(email), .integer(now - Int64(window))]
        ).first
        if try (recent?.int("n") ?? 0) >= purpose.limit {
            let oldest = try recent?.int("oldest") ?? Int(now)
            return .throttled(retryAfter: max(1, oldest + window - Int(now)))
        }
        let id = "alr_" + RandomToken.make(bytes: 12)
        try tx.execute(
            """
            INSERT INTO account_links (id, purpose, email, user_id, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(id), .text(purpose.rawValue), .text(email), SQLValue(userID), .integer(now),
                .integer(now + Int64(purpose.lifetime)),
            ])
        return .created(id: id)
    }

    /// A minted link: the token to mail and the row it belongs to.
    struct Minted: Sendable {
        var purpose: Purpose
        var token: String
        var userID: String
        var expiresAt: Int
    }

    /// Why a request has no link to mail.
    enum MintRefusal: Error, Equatable {
        case unknown
        case spent
    }

    /// A fresh token for the request `id` (replacing any earlier one); throws ``MintRefusal``.
    static func mint(_ id: String, at time: WallTime, store: Store) async throws -> Minted {
        let token = RandomToken.make(bytes: 32)
        let now = Int64(time.unixSeconds)
        return try await store.transaction { tx in
            guard
                let row = try tx.query(
                    "SELECT purpose, user_id, expires_at, used_at FROM account_links WHERE id = $1", [.text(id)]
                ).first, let userID = try row.string("user_id"),
                let purpose = try row.string("purpose").flatMap(Purpose.init(rawValue:))
            else { throw MintRefusal.unknown }
            let expiresAt = try row.int("expires_at") ?? 0
            let changed = try tx.execute(
                "UPDATE account_links SET token_hash = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $3",
                [.text(RandomToken.hash(token)), .text(id), .integer(now)])
            guard changed == 1 else { throw MintRefusal.spent }
            return Minted(purpose: purpose, token: token, userID: userID, expiresAt: expiresAt)
        }
    }

    /// Spends `token` if it is a live link of `purpose`: returns its account's id, or nil when the
    /// token is unknown, of another purpose, used or expired. Inside the caller's transaction, so
    /// the change the link authorises commits with its use.
    static func consume(_ token: String, purpose: Purpose, at time: WallTime, _ tx: Transaction) throws -> String? {
        let now = Int64(time.unixSeconds)
        guard !token.isEmpty, token.utf8.count <= 200,
            let row = try tx.query(
                "SELECT id, user_id FROM account_links WHERE token_hash = $1 AND purpose = $2",
                [.text(RandomToken.hash(token)), .text(purpose.rawValue)]
            ).first, let id = try row.string("id"), let userID = try row.string("user_id")
        else { return nil }
        let spent = try tx.execute(
            "UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
            [.integer(now), .text(id)])
        return spent == 1 ? userID : nil
    }

    /// The account a live token of `purpose` belongs to, without spending it (to check a new
    /// password against the account before hashing it).
    static func peek(_ token: String, purpose: Purpose, at time: WallTime, store: Store) async throws -> String? {
        guard !token.isEmpty, token.utf8.count <= 200 else { return nil }
        return try await store.query(
            """
            SELECT user_id FROM account_links
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
            """,
            [.text(RandomToken.hash(token)), .text(purpose.rawValue), .integer(Int64(time.unixSeconds))]
        ).first.flatMap { try $0.string("user_id") }
    }

    /// Spends every other open link of `purpose` for the account (after a reset, older reset
    /// mails are dead).
    static func spendAll(_ purpose: Purpose, userID: String, at time: WallTime, _ tx: Transaction) throws {
        try tx.execute(
            "UPDATE account_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
            [.integer(Int64(time.unixSeconds)), .text(userID), .text(purpose.rawValue)])
    }
}
