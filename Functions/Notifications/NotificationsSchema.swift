import SokoFunctions

/// The Notifications service's table: the delivery log, one row per email (an event and the kind
/// of mail it asked for), updated on every attempt.
enum NotificationsSchema {
    static let migrations = [
        Migration(
            1, "delivery log",
            [
                // status: sent | retrying | failed. `transport` is what the host's mail transport
                // answered (`smtp` or the .eml file's path); `recipient` and `subject` are null
                // while the recipient is unknown.
                """
                CREATE TABLE notifications (
                    id TEXT PRIMARY KEY, event_id TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT, subject TEXT,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, transport TEXT,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    UNIQUE (event_id, kind))
                """,
                "CREATE INDEX notifications_created ON notifications (created_at, id)",
                "CREATE INDEX notifications_status ON notifications (status, created_at, id)",
            ]),
        Migration(
            2, "SMS delivery log",
            [
                // status: sent | retrying | failed | skipped. provider_status is Africa's Talking's
                // per-recipient status ("Success", "InvalidPhoneNumber", …), message_id its id.
                """
                CREATE TABLE sms_messages (
                    id TEXT PRIMARY KEY, event_id TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT, message TEXT,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, provider_status TEXT,
                    message_id TEXT, cost TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    UNIQUE (event_id, kind))
                """,
                "CREATE INDEX sms_messages_created ON sms_messages (created_at, id)",
            ]),
    ]
}
