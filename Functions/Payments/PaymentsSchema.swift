import SokoFunctions

/// The Payments service's tables.
///
/// `amount` and `refunded_amount` are minor units of `currency` (what was charged: for M-Pesa the
/// order total rounded up to whole shillings). Idempotency lives in constraints: one pending
/// payment per order and method (a partial unique index), unique CheckoutRequestID, callback token
/// hash and PaymentIntent id, and Stripe event ids as a primary key.
enum PaymentsSchema {
    static let migrations = [
        Migration(
            1, "payments, Stripe events, raw M-Pesa callbacks",
            [
                """
                CREATE TABLE payments (
                    id TEXT PRIMARY KEY, order_id TEXT NOT NULL, customer_id TEXT NOT NULL, method TEXT NOT NULL,
                    status TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
                    refunded_amount BIGINT NOT NULL DEFAULT 0, refund_due INTEGER NOT NULL DEFAULT 0,
                    phone TEXT, merchant_request_id TEXT, checkout_request_id TEXT UNIQUE,
                    callback_token_hash TEXT UNIQUE, callback_at TEXT, receipt TEXT, result_code TEXT, result_desc TEXT,
                    payment_intent_id TEXT UNIQUE, client_secret TEXT, card_last4 TEXT,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX payments_one_pending ON payments (order_id, method) WHERE status = 'pending'",
                "CREATE INDEX payments_order ON payments (order_id, created_at)",
                "CREATE INDEX payments_pending ON payments (status, method, created_at)",
                """
                CREATE TABLE stripe_events (
                    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, received_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE mpesa_callbacks (
                    id TEXT PRIMARY KEY, checkout_request_id TEXT, raw TEXT NOT NULL, outcome TEXT NOT NULL,
                    received_at TEXT NOT NULL)
                """,
                "CREATE INDEX mpesa_callbacks_checkout ON mpesa_callbacks (checkout_request_id)",
            ]),
        Migration(
            2, "M-Pesa refunds through Daraja's Reversal API",
            [
                // One row per M-Pesa payment to give back (UNIQUE payment_id: never two reversals of
                // one transaction), retried in place. status: pending (not yet accepted by Daraja) |
                // requested (accepted; the result is awaited) | succeeded | failed (retryable by an
                // admin). `amount` is minor units (whole shillings × 100); the callback token's
                // SHA-256 authenticates the ResultURL and QueueTimeOutURL.
                """
                CREATE TABLE mpesa_reversals (
                    id TEXT PRIMARY KEY, payment_id TEXT NOT NULL UNIQUE, order_id TEXT NOT NULL, amount BIGINT NOT NULL,
                    currency TEXT NOT NULL, receipt TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                    callback_token_hash TEXT UNIQUE, conversation_id TEXT UNIQUE, originator_conversation_id TEXT,
                    result_code TEXT, result_desc TEXT, reversal_transaction_id TEXT,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                "CREATE INDEX mpesa_reversals_status ON mpesa_reversals (status, created_at, id)",
            ]),
        Migration(
            3, "reversal status queries",
            [
                // A reversal whose result never came is asked after with Daraja's Transaction Status
                // API (ReconcileReversals): the query's own callback token (SHA-256 only), when it
                // was last asked and how many times.
                "ALTER TABLE mpesa_reversals ADD COLUMN status_token_hash TEXT",
                "ALTER TABLE mpesa_reversals ADD COLUMN status_queried_at TEXT",
                "ALTER TABLE mpesa_reversals ADD COLUMN status_queries INTEGER NOT NULL DEFAULT 0",
                "CREATE UNIQUE INDEX mpesa_reversals_status_token ON mpesa_reversals (status_token_hash)",
            ]),
    ]
}
