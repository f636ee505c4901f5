import SokoFunctions

/// The `notifications` table: one row per (event, kind of mail), updated on every attempt.
enum DeliveryLog {
    /// One attempt's outcome.
    struct Attempt: Sendable {
        var eventID: String
        var kind: NotificationKind
        var recipient: String?
        var subject: String?
        var status: NotificationStatus
        var lastError: String?
        var transport: String?
    }

    /// The row's status, or nil when this mail was never attempted.
    static func status(eventID: String, kind: NotificationKind, in store: Store) async throws -> NotificationStatus? {
        try await store.query(
            "SELECT status FROM notifications WHERE event_id = $1 AND kind = $2", [.text(eventID), .text(kind.rawValue)]
        ).first.flatMap { try $0.string("status") }.flatMap(NotificationStatus.init(rawValue:))
    }

    /// Adds the attempt to the row (creating it on the first): attempts + 1, the new status and
    /// error. A row already `sent` is never changed, so a late failure report cannot undo a send.
    /// Returns whether the row changed. `now` dates the row (`updated_at`, and `created_at` when new).
    @discardableResult
    static func record(_ attempt: Attempt, at now: WallTime, _ transaction: Transaction) throws -> Bool {
        let error = attempt.lastError.map { String($0.prefix(1000)) }
        return try transaction.execute(
            """
            INSERT INTO notifications (id, event_id, kind, recipient, subject, status, attempts, last_error, transport,
                created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $9)
            ON CONFLICT (event_id, kind) DO UPDATE SET
                recipient = COALESCE(excluded.recipient, notifications.recipient),
                subject = COALESCE(excluded.subject, notifications.subject),
                status = excluded.status, attempts = notifications.attempts + 1, last_error = excluded.last_error,
                transport = COALESCE(excluded.transport, notifications.transport), updated_at = excluded.updated_at
            WHERE notifications.status <> 'sent'
            """,
            [
                .text(newID()), .text(attempt.eventID), .text(attempt.kind.rawValue), SQLValue(attempt.recipient),
                SQLValue(attempt.subject), .text(attempt.status.rawValue), SQLValue(error), SQLValue(attempt.transport),
                .text(now.timestamp),
            ]) == 1
    }

    /// `ntf_` and 24 random hex digits.
    static func newID() -> String {
        "ntf_" + Hex.random(digits: 24)
    }

    static func isID(_ text: String) -> Bool {
        LogQuery.isID(text, prefix: "ntf_")
    }
}
