import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A realistic demo catalog (Kenyan shop, prices in KES cents) for a fresh installation:
/// `soko seed`, and the embedded server's first start.
public enum DemoCatalog {
    /// Loads the demo categories, products and stock when the catalog has no products yet (in one
    /// transaction, so a crash leaves nothing half-loaded). Returns the number of products
    /// inserted: 0 when there were products already.
    ///
    /// The store must already be migrated (``CatalogBundle/migrations``). The rows are dated back
    /// from `now`: seeding runs outside any handler, so by default from the system clock.
    public static func seed(store: Store, now: WallTime = WallClock.system.now()) async throws -> Int {
        let now = now.unixSeconds
        do {
            return try await store.transaction { transaction in
                let count = try transaction.query("SELECT COUNT(*) AS n FROM products", []).first?.int("n") ?? 0
                guard count == 0 else { return 0 }
                var categoryIDs: [String: String] = [:]
                for category in DemoCatalogData.categories {
                    categoryIDs[category.slug] = try categoryID(
                        category, parentID: category.parent.flatMap { categoryIDs[$0] }, now: now, in: transaction)
                }
                for (index, product) in DemoCatalogData.products.enumerated() {
                    guard let categoryID = categoryIDs[product.category] else { continue }
                    // Spread over the last weeks, so "newest" has an order to show.
                    let created = Timestamp.format(seconds: now - (DemoCatalogData.products.count - index) * 7_200)
                    let id = CatalogID.make()
                    let images = try ProductRecords.encodeJSON(["https://images.soko.example/\(product.sku).jpg"])
                    try transaction.execute(
                        """
                        INSERT INTO products (id, sku, name, description, price, currency, category_id, images, attributes,
                            archived, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, 'KES', $6, $7, $8, 0, $9, $9)
                        """,
                        [
                            .text(id), .text(product.sku), .text(product.name), .text(product.description),
                            SQLValue(product.shillings * 100), .text(categoryID), .text(images),
                            .text(try ProductRecords.encodeJSON(product.attributes)), .text(created),
                        ])
                    try transaction.execute(
                        "INSERT INTO inventory (product_id, on_hand, reserved) VALUES ($1, $2, 0)",
                        [.text(id), SQLValue(product.stock)])
                    if let variants = DemoVariants.bySKU[product.sku] {
                        try DemoVariants.insert(variants, productID: id, sku: product.sku, created: created, in: transaction)
                    }
                }
                return DemoCatalogData.products.count
            }
        } catch StoreError.uniqueViolation {
            return 0  // another process seeded at the same moment (PostgreSQL): its products stand
        }
    }

    /// The id of the category with the demo category's slug, created when missing.
    private static func categoryID(
        _ category: DemoCatalogData.Category, parentID: String?, now: Int, in transaction: Transaction
    ) throws -> String {
        if let id = try transaction.query("SELECT id FROM categories WHERE slug = $1", [.text(category.slug)]).first?
            .string("id")
        {
            return id
        }
        let id = CatalogID.make()
        try transaction.execute(
            "INSERT INTO categories (id, parent_id, name, slug, created_at) VALUES ($1, $2, $3, $4, $5)",
            [.text(id), SQLValue(parentID), .text(category.name), .text(category.slug), .text(Timestamp.format(seconds: now))])
        return id
    }
}
