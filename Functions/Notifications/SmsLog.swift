import SokoFunctions

/// The `sms_messages` table: one row per (event, kind of text), updated on every attempt — the SMS
/// delivery log, beside the email one.
enum SmsLog {
    /// `sent` (the provider took it), `retrying`, `failed` (given up, or refused for good),
    /// `skipped` (no phone on file, or the customer opted out).
    enum Status: String, Sendable, Codable, CaseIterable {
        case sent
        case retrying
        case failed
        case skipped
    }

    /// `sms_` and 24 random hex digits.
    static func newID() -> String { "sms_" + Hex.random(digits: 24) }

    static func isID(_ text: String) -> Bool {
        LogQuery.isID(text, prefix: "sms_")
    }

    struct Attempt: Sendable {
        var eventID: String
        var kind: NotificationKind
        var recipient: String?
        var message: String?
        var status: Status
        var lastError: String?
        var providerStatus: String?
        var messageID: String?
        var cost: String?
    }

    static func status(eventID: String, kind: NotificationKind, in store: Store) async throws -> Status? {
        try await store.query(
            "SELECT status FROM sms_messages WHERE event_id = $1 AND kind = $2", [.text(eventID), .text(kind.rawValue)]
        ).first.flatMap { try $0.string("status") }.flatMap(Status.init(rawValue:))
    }

    /// Adds the attempt to the row (creating it on the first); a `sent` or `skipped` row is final.
    @discardableResult
    static func record(_ attempt: Attempt, at now: WallTime, _ transaction: Transaction) throws -> Bool {
        try transaction.execute(
            """
            INSERT INTO sms_messages (id, event_id, kind, recipient, message, status, attempts, last_error, provider_status,
                message_id, cost, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $11)
            ON CONFLICT (event_id, kind) DO UPDATE SET
                recipient = COALESCE(excluded.recipient, sms_messages.recipient),
                message = COALESCE(excluded.message, sms_messages.message),
                status = excluded.status, attempts = sms_messages.attempts + 1, last_error = excluded.last_error,
                provider_status = COALESCE(excluded.provider_status, sms_messages.provider_status),
                message_id = COALESCE(excluded.message_id, sms_messages.message_id),
                cost = COALESCE(excluded.cost, sms_messages.cost), updated_at = excluded.updated_at
            WHERE sms_messages.status NOT IN ('sent', 'skipped')
            """,
            [
                .text(newID()), .text(attempt.eventID), .text(attempt.kind.rawValue),
                SQLValue(attempt.recipient), SQLValue(attempt.message), .text(attempt.status.rawValue),
                SQLValue(attempt.lastError.map { String($0.prefix(1000)) }), SQLValue(attempt.providerStatus),
                SQLValue(attempt.messageID), SQLValue(attempt.cost), .text(now.timestamp),
            ]) == 1
    }
}
