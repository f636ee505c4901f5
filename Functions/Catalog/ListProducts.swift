import SokoFunctions

/// One page of products and where the next starts (null on the last page).
struct ProductPage: Encodable, Sendable {
    var items: [ProductView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // null, not absent, on the last page
    }
}

/// `GET /products` (public): filters `category` (id or slug, with its descendants), `q`
/// (full-text over name, description and SKU), `min_price`, `max_price`, `in_stock=true`;
/// `sort=price|-price|name|newest` (default newest); `limit` 1–100 (default 20); `cursor` from the
/// previous page. Archived products never appear.
enum ListProducts: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> ProductPage {
        let filter = try ProductFilter(context.request.query)
        if let search = filter.search, search.terms.isEmpty { return ProductPage(items: [], nextCursor: nil) }
        let query = ProductListingQuery(filter, dialect: context.store.dialect)
        var items = try await context.store.query(query.sql, query.parameters).map(ProductRecords.view)
        var next: String?
        if items.count > filter.limit {
            items.removeLast(items.count - filter.limit)
            if let last = items.last {
                next = ProductCursor(sort: filter.sort, key: filter.sort.key(of: last), id: last.id).encoded
            }
        }
        return ProductPage(items: items, nextCursor: next)
    }
}
