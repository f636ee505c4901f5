import SokoFunctions

/// The sandbox's tables: what a real gateway would remember between calls.
///
/// Times are Unix seconds (`*_at`, `created`) or milliseconds (`due_ms`); money is integer (KES
/// whole shillings for Daraja, minor units for Stripe).
enum SandboxSchema {
    static let migrations = [
        Migration(
            1, "daraja tokens and STK requests; stripe intents, charges, refunds and idempotency keys",
            [
                "CREATE TABLE daraja_tokens (token TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
                // `result_code` is the outcome the phone number picks; it takes effect at `due_ms`
                // (before then a query says "being processed"). `callback_body` is the callback
                // as sent (NULL when withheld); `callback_state` what became of it (pending,
                // delivered, failed, withheld) and `callback_status` the receiver's HTTP status.
                """
                CREATE TABLE stk_requests (
                    checkout_request_id TEXT PRIMARY KEY, merchant_request_id TEXT NOT NULL,
                    business_short_code TEXT NOT NULL, amount BIGINT NOT NULL, phone TEXT NOT NULL,
                    callback_url TEXT NOT NULL, account_reference TEXT NOT NULL, result_code INTEGER NOT NULL,
                    receipt TEXT, due_ms BIGINT NOT NULL, callback_body TEXT, callback_state TEXT NOT NULL,
                    callback_status INTEGER,
                    created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE stripe_payment_intents (
                    id TEXT PRIMARY KEY, amount BIGINT NOT NULL, amount_received BIGINT NOT NULL DEFAULT 0,
                    currency TEXT NOT NULL, status TEXT NOT NULL, client_secret TEXT NOT NULL, metadata TEXT NOT NULL,
                    description TEXT, payment_method TEXT, latest_charge TEXT, last_payment_error TEXT,
                    automatic_payment_methods INTEGER NOT NULL, created BIGINT NOT NULL)
                """,
                """
                CREATE TABLE stripe_charges (
                    id TEXT PRIMARY KEY, payment_intent TEXT NOT NULL, amount BIGINT NOT NULL,
                    amount_refunded BIGINT NOT NULL DEFAULT 0, currency TEXT NOT NULL, status TEXT NOT NULL,
                    payment_method TEXT NOT NULL, brand TEXT NOT NULL, last4 TEXT NOT NULL, failure_code TEXT,
                    failure_message TEXT, decline_code TEXT, metadata TEXT NOT NULL, created BIGINT NOT NULL)
                """,
                "CREATE INDEX stripe_charges_intent ON stripe_charges (payment_intent)",
                """
                CREATE TABLE stripe_refunds (
                    id TEXT PRIMARY KEY, charge TEXT NOT NULL, payment_intent TEXT NOT NULL, amount BIGINT NOT NULL,
                    currency TEXT NOT NULL, reason TEXT, metadata TEXT NOT NULL, status TEXT NOT NULL,
                    created BIGINT NOT NULL)
                """,
                // A key's first request: `status` and `body` once it finished (NULL while running).
                """
                CREATE TABLE stripe_idempotency (
                    key TEXT PRIMARY KEY, endpoint TEXT NOT NULL, fingerprint TEXT NOT NULL,
                    status INTEGER, body TEXT, created BIGINT NOT NULL)
                """,
            ]),
        Migration(
            2, "daraja reversals",
            [
                // One row per accepted Reversal request; `result_code` is the outcome ("0", "2001",
                // "R000001", …, or "timeout": posted to the QueueTimeOutURL instead) and
                // `result_state` what became of the result's delivery.
                """
                CREATE TABLE reversal_requests (
                    conversation_id TEXT PRIMARY KEY, originator_conversation_id TEXT NOT NULL,
                    original_transaction_id TEXT NOT NULL, amount BIGINT NOT NULL, result_url TEXT NOT NULL,
                    timeout_url TEXT NOT NULL, result_code TEXT NOT NULL, transaction_id TEXT, result_state TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX reversal_requests_original ON reversal_requests (original_transaction_id, result_code)",
            ]),
        Migration(
            3, "africa's talking messages",
            [
                // Every recipient of every accepted messaging request, as the fake answered it.
                """
                CREATE TABLE sms_messages (
                    message_id TEXT PRIMARY KEY, username TEXT NOT NULL, sender TEXT, recipient TEXT NOT NULL,
                    message TEXT NOT NULL, status_code INTEGER NOT NULL, status TEXT NOT NULL, cost TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """
            ]),
    ]
}
