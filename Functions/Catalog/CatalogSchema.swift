import SokoFunctions

/// The Catalog service's tables: categories, products, their stock and the reservations on it.
///
/// Full-text search differs by dialect. SQLite keeps an FTS5 table, `products_search`, written by
/// triggers on `products` (so it changes in the same transaction as the product). It is a plain
/// FTS5 table keyed by an unindexed `product_id` rather than an external-content table: external
/// content needs a stable integer rowid, and `products` (keyed by a TEXT id) has none that VACUUM
/// preserves. PostgreSQL keeps a generated `tsvector` column with a GIN index; its text has ASCII
/// punctuation turned into spaces first, so that words split where ``SearchQuery`` splits them
/// (PostgreSQL's parser would read `TEA-001` as `tea` and the integer `-001`).
enum CatalogSchema {
    static let migrations = [
        Migration(1, "categories, products, inventory and reservations") { dialect in
            tables + search(dialect)
        },
        Migration(2, "product options and variants with their own stock", variants),
    ]

    /// Variants (docs/commerce.md, "Variants"). A product's `options` is the JSON list of its
    /// options (`[{"name", "values"}]`, `[]` for a product without). A variant's `option_key` is
    /// its option values in the product's option order, joined by a unit separator, so one
    /// combination is one variant. Its stock is its own `variant_inventory` row, under the same
    /// `reserved <= on_hand` rule as a product's; a reservation's variant lines are in
    /// `reservation_variant_lines` (the product lines stay where they were, keyed as before).
    private static let variants = [
        "ALTER TABLE products ADD COLUMN options TEXT NOT NULL DEFAULT '[]'",
        """
        CREATE TABLE variants (
            id TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES products (id), sku TEXT NOT NULL UNIQUE,
            options TEXT NOT NULL, option_key TEXT NOT NULL, price BIGINT CHECK (price > 0),
            archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (product_id, option_key))
        """,
        "CREATE INDEX variants_product ON variants (product_id, created_at)",
        """
        CREATE TABLE variant_inventory (
            variant_id TEXT PRIMARY KEY REFERENCES variants (id),
            on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
            reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
            CHECK (reserved <= on_hand))
        """,
        """
        CREATE TABLE reservation_variant_lines (
            order_id TEXT NOT NULL REFERENCES reservations (order_id), variant_id TEXT NOT NULL REFERENCES variants (id),
            quantity BIGINT NOT NULL CHECK (quantity > 0), PRIMARY KEY (order_id, variant_id))
        """,
    ]

    private static let tables = [
        """
        CREATE TABLE categories (
            id TEXT PRIMARY KEY, parent_id TEXT REFERENCES categories (id), name TEXT NOT NULL,
            slug TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)
        """,
        "CREATE INDEX categories_parent ON categories (parent_id)",
        """
        CREATE TABLE products (
            id TEXT PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, description TEXT NOT NULL,
            price BIGINT NOT NULL CHECK (price > 0), currency CHAR(3) NOT NULL,
            category_id TEXT NOT NULL REFERENCES categories (id), images TEXT NOT NULL, attributes TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
        """,
        "CREATE INDEX products_category ON products (category_id)",
        // One index per sort order, each ending in the id tie-breaker the cursor uses.
        "CREATE INDEX products_newest ON products (created_at, id)",
        "CREATE INDEX products_price ON products (price, id)",
        "CREATE INDEX products_name ON products (name, id)",
        // reserved <= on_hand always holds: reserving checks it, committing lowers both by the same
        // amount, releasing lowers reserved, returning raises on_hand and setInventory checks it.
        // The constraint is the last line of defence for "available never goes below zero".
        """
        CREATE TABLE inventory (
            product_id TEXT PRIMARY KEY REFERENCES products (id),
            on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
            reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
            CHECK (reserved <= on_hand))
        """,
        """
        CREATE TABLE reservations (
            order_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('active', 'committed', 'released', 'returned')),
            expires_at BIGINT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
        """,
        "CREATE INDEX reservations_expiry ON reservations (status, expires_at)",
        """
        CREATE TABLE reservation_lines (
            order_id TEXT NOT NULL REFERENCES reservations (order_id), product_id TEXT NOT NULL REFERENCES products (id),
            quantity BIGINT NOT NULL CHECK (quantity > 0), PRIMARY KEY (order_id, product_id))
        """,
    ]

    private static func search(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                "CREATE VIRTUAL TABLE products_search USING fts5 (product_id UNINDEXED, name, description, sku)",
                """
                CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
                    INSERT INTO products_search (product_id, name, description, sku)
                    VALUES (new.id, new.name, new.description, new.sku);
                END
                """,
                """
                CREATE TRIGGER products_search_update AFTER UPDATE OF name, description, sku ON products BEGIN
                    DELETE FROM products_search WHERE product_id = old.id;
                    INSERT INTO products_search (product_id, name, description, sku)
                    VALUES (new.id, new.name, new.description, new.sku);
                END
                """,
                """
                CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
                    DELETE FROM products_search WHERE product_id = old.id;
                END
                """,
            ]
        case .postgres:
            return [
                """
                ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
                    to_tsvector('simple', translate(name || ' ' || description || ' ' || sku, '-./@:_+~', '        ')))
                    STORED
                """,
                "CREATE INDEX products_search ON products USING GIN (search)",
            ]
        }
    }
}
