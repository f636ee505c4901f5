import SokoFunctions

/// The Orders service's tables.
///
/// Money columns are integer minor units of the order's `currency`. Timestamps are RFC 3339 UTC
/// text (``Timestamp``), which sorts as time does in both dialects.
enum OrdersSchema {
    static let migrations = [
        Migration(
            1, "orders, their lines and transitions",
            [
                // (customer_id, idempotency_key) is the idempotency guard: placeOrder inserts first
                // and lets this constraint pick the one winner. `request` is the canonical JSON of
                // the request that created the order (a repeat of the key must match it); `failure`
                // the problem a rejected order answers with; `release_due` marks a stock reservation
                // still to be released (retried by the expiry schedule until catalog confirms).
                """
                CREATE TABLE orders (
                    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
                    request TEXT NOT NULL, status TEXT NOT NULL, currency TEXT,
                    subtotal BIGINT NOT NULL DEFAULT 0, shipping BIGINT NOT NULL DEFAULT 0,
                    tax BIGINT NOT NULL DEFAULT 0, total BIGINT NOT NULL DEFAULT 0,
                    shipping_address TEXT NOT NULL, carrier TEXT, tracking_number TEXT, failure TEXT,
                    release_due INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, priced_at TEXT, placed_at TEXT, paid_at TEXT,
                    UNIQUE (customer_id, idempotency_key))
                """,
                "CREATE INDEX orders_customer ON orders (customer_id, created_at)",
                "CREATE INDEX orders_status ON orders (status, created_at)",
                "CREATE INDEX orders_release_due ON orders (release_due)",
                """
                CREATE TABLE order_lines (
                    order_id TEXT NOT NULL, product_id TEXT NOT NULL, position INTEGER NOT NULL,
                    sku TEXT NOT NULL, name TEXT NOT NULL, unit_price BIGINT NOT NULL,
                    quantity INTEGER NOT NULL, line_total BIGINT NOT NULL,
                    PRIMARY KEY (order_id, product_id))
                """,
                """
                CREATE TABLE order_transitions (
                    order_id TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
                    at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT)
                """,
                "CREATE INDEX order_transitions_order ON order_transitions (order_id, at)",
            ]),
        Migration(
            2, "payments an order did not need",
            [
                // A payment that succeeded for an order no longer awaiting one (paid by another
                // payment, or cancelled): handed back to Payments for a refund, and its refund must
                // not move the order.
                """
                CREATE TABLE unneeded_payments (
                    payment_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, order_status TEXT NOT NULL, recorded_at TEXT NOT NULL)
                """
            ]),
        Migration(
            3, "coupons and their uses",
            [
                // Codes are stored upper-cased. `used` counts the rows of `coupon_uses`; the
                // conditional update of it is what keeps concurrent orders within `max_uses`
                // (CouponRedemption). `active` is 0 once the merchant deactivated the coupon.
                """
                CREATE TABLE coupons (
                    code TEXT PRIMARY KEY, kind TEXT NOT NULL, value BIGINT NOT NULL, currency TEXT,
                    minimum_subtotal BIGINT NOT NULL DEFAULT 0, starts_at TEXT, ends_at TEXT,
                    max_uses INTEGER, max_uses_per_customer INTEGER, used INTEGER NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                // One use per (coupon, order); deleted when the unpaid order is cancelled or rejected.
                """
                CREATE TABLE coupon_uses (
                    coupon_code TEXT NOT NULL, order_id TEXT NOT NULL, customer_id TEXT NOT NULL, used_at TEXT NOT NULL,
                    PRIMARY KEY (coupon_code, order_id))
                """,
                "CREATE INDEX coupon_uses_customer ON coupon_uses (coupon_code, customer_id)",
                "CREATE INDEX coupon_uses_order ON coupon_uses (order_id)",
                "ALTER TABLE orders ADD COLUMN discount BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE orders ADD COLUMN coupon_code TEXT",
            ]),
        Migration(
            4, "VAT-inclusive prices",
            [
                // Non-null: the order's prices included VAT at this rate (basis points), and `tax`
                // is the VAT its total contains rather than an amount added on top.
                "ALTER TABLE orders ADD COLUMN vat_rate_bps INTEGER"
            ]),
        Migration(
            5, "delivery zones and pay on delivery",
            [
                // The merchant's zones (DeliveryZone); `free_above` null: delivery is never free.
                """
                CREATE TABLE delivery_zones (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, fee BIGINT NOT NULL, currency TEXT NOT NULL,
                    free_above BIGINT, pickup INTEGER NOT NULL DEFAULT 0, cash_on_delivery INTEGER NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                // The zone an order was placed for, copied (a zone renamed later leaves the order
                // as it was); `payment_method` is `cash_on_delivery` or `mpesa_on_delivery` for an
                // order paid on delivery, null for one paid online.
                "ALTER TABLE orders ADD COLUMN delivery_zone_id TEXT",
                "ALTER TABLE orders ADD COLUMN delivery_zone_name TEXT",
                "ALTER TABLE orders ADD COLUMN delivery_pickup INTEGER",
                "ALTER TABLE orders ADD COLUMN payment_method TEXT",
            ]),
        Migration(6, "order lines per variant", OrderLineVariants.migration),
        Migration(
            7, "guest orders and their access tokens",
            [
                // A guest order's customer_id is `guest:<hash of the email>` (GuestIdentity); these
                // columns keep the contact the guest gave. Claiming moves customer_id to the account.
                "ALTER TABLE orders ADD COLUMN guest_email TEXT",
                "ALTER TABLE orders ADD COLUMN guest_phone TEXT",
                // The bearer secrets of order-access links, as SHA-256 only (GuestAccessTokens).
                """
                CREATE TABLE guest_access_tokens (
                    token_hash TEXT PRIMARY KEY, order_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                "CREATE INDEX guest_access_tokens_order ON guest_access_tokens (order_id)",
            ]),
    ]
}
