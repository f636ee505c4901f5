import SokoFunctions

/// The Cart service's tables.
///
/// A cart belongs either to a customer (`customer_id`, one cart each) or to a guest, who is known
/// only by the SHA-256 of the cart token they hold (`token_hash`). Lines keep the order they were
/// first added in (`seq`), which is the order checkout reads them in.
enum CartSchema {
    static let migrations = [
        Migration(
            1, "carts and their lines",
            [
                """
                CREATE TABLE carts (
                    id TEXT PRIMARY KEY, customer_id TEXT UNIQUE, token_hash TEXT UNIQUE,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    CHECK ((customer_id IS NULL) <> (token_hash IS NULL)))
                """,
                "CREATE INDEX carts_updated ON carts (updated_at)",
                """
                CREATE TABLE cart_items (
                    cart_id TEXT NOT NULL, product_id TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
                    seq BIGINT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (cart_id, product_id))
                """,
            ]),
        // Lines are per (product, variant): a product sold as variants has a line per variant.
        // `variant_id` is '' for a plain product's line (a primary key column cannot be NULL).
        // Neither dialect changes a primary key in place: the table is rebuilt, keeping its rows.
        Migration(
            2, "cart lines per variant",
            [
                """
                CREATE TABLE cart_items_v2 (
                    cart_id TEXT NOT NULL, product_id TEXT NOT NULL, variant_id TEXT NOT NULL DEFAULT '',
                    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
                    seq BIGINT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (cart_id, product_id, variant_id))
                """,
                """
                INSERT INTO cart_items_v2 (cart_id, product_id, variant_id, quantity, seq, added_at)
                SELECT cart_id, product_id, '', quantity, seq, added_at FROM cart_items
                """,
                "DROP TABLE cart_items",
                "ALTER TABLE cart_items_v2 RENAME TO cart_items",
            ]),
    ]
}
