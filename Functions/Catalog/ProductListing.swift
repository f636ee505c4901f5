import SokoFunctions

/// The orders `listProducts` can sort by; each pages by its column with the product id as the
/// tie-breaker, so equal prices or names never make a page skip or repeat a product.
enum ProductSort: String, Sendable, CaseIterable {
    case price
    case priceDescending = "-price"
    case name
    case newest

    var column: String {
        switch self {
        case .price, .priceDescending: "p.price"
        case .name: "p.name"
        case .newest: "p.created_at"
        }
    }

    var descending: Bool { self == .priceDescending || self == .newest }

    /// The sort key of `product`, as the cursor stores it.
    func key(of product: ProductView) -> JSONValue {
        switch self {
        case .price, .priceDescending: .integer(Int64(product.price))
        case .name: .string(product.name)
        case .newest: .string(product.createdAt)
        }
    }

    /// The key as a bound value, or nil when it is not the kind this sort uses.
    func parameter(_ key: JSONValue) -> SQLValue? {
        switch (self, key) {
        case (.price, .integer(let value)), (.priceDescending, .integer(let value)): .integer(value)
        case (.name, .string(let text)), (.newest, .string(let text)): .text(text)
        default: nil
        }
    }
}

/// The listing's query parameters, checked.
struct ProductFilter: Sendable {
    var category: String?
    var search: SearchQuery?
    var minimumPrice: Int?
    var maximumPrice: Int?
    var inStockOnly = false
    var sort = ProductSort.newest
    var limit = 20
    var after: ProductCursor?

    static let defaultLimit = 20
    static let maximumLimit = 100

    /// Reads `query`; throws 422 naming each bad parameter, 400 `invalid-cursor` for a cursor that
    /// is not one of ours or belongs to another sort order.
    init(_ query: QueryParameters) throws {
        var errors: [FieldError] = []
        if let category = query["category"]?.trimmingWhitespace(), !category.isEmpty {
            self.category = category
        }
        if let text = query["q"] {
            if text.count > SearchQuery.maximumLength {
                errors.append(FieldError(field: "q", message: "must be at most \(SearchQuery.maximumLength) characters"))
            } else if !text.allSatisfy(\.isWhitespace) {
                search = SearchQuery(text)
            }
        }
        func price(_ name: String) -> Int? {
            guard let text = query[name] else { return nil }
            guard let value = Int(text), value >= 0 else {
                errors.append(FieldError(field: name, message: "must be an integer (minor units), zero or more"))
                return nil
            }
            return value
        }
        minimumPrice = price("min_price")
        maximumPrice = price("max_price")
        if let low = minimumPrice, let high = maximumPrice, low > high {
            errors.append(FieldError(field: "max_price", message: "must not be below min_price"))
        }
        switch query["in_stock"] {
        case nil, "false": break
        case "true": inStockOnly = true
        default: errors.append(FieldError(field: "in_stock", message: "must be true or false"))
        }
        if let text = query["sort"] {
            if let sort = ProductSort(rawValue: text) {
                self.sort = sort
            } else {
                errors.append(FieldError(field: "sort", message: "must be one of price, -price, name, newest"))
            }
        }
        if let text = query["limit"] {
            if let limit = Int(text), (1...Self.maximumLimit).contains(limit) {
                self.limit = limit
            } else {
                errors.append(FieldError(field: "limit", message: "must be an integer from 1 to \(Self.maximumLimit)"))
            }
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors, detail: "the query has invalid parameters") }
        if let text = query["cursor"], !text.isEmpty {
            guard let cursor = ProductCursor(text), cursor.sort == sort, sort.parameter(cursor.key) != nil else {
                throw FunctionError.badRequest(
                    "the cursor is not one this listing gave out (or was made for another sort)", code: "invalid-cursor")
            }
            after = cursor
        }
    }
}

/// Builds the listing's SQL with every value bound (`$1…$n` in order of appearance).
struct ProductListingQuery {
    private(set) var sql = ""
    private(set) var parameters: [SQLValue] = []

    init(_ filter: ProductFilter, dialect: SQLDialect) {
        var conditions = ["p.archived = 0"]
        var prefix = ""
        if let category = filter.category {
            // The category (by id or slug) and everything below it.
            let value = bind(.text(category))
            prefix = """
                WITH RECURSIVE tree (id) AS (
                    SELECT id FROM categories WHERE id = \(value) OR slug = \(value)
                    UNION SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)

                """
            conditions.append("p.category_id IN (SELECT id FROM tree)")
        }
        if let search = filter.search {
            switch dialect {
            case .sqlite:
                let value = bind(.text(search.fts5))
                conditions.append("p.id IN (SELECT product_id FROM products_search WHERE products_search MATCH \(value))")
            case .postgres:
                conditions.append("p.search @@ to_tsquery('simple', \(bind(.text(search.tsquery))))")
            }
        }
        if let low = filter.minimumPrice { conditions.append("p.price >= \(bind(SQLValue(low)))") }
        if let high = filter.maximumPrice { conditions.append("p.price <= \(bind(SQLValue(high)))") }
        if filter.inStockOnly { conditions.append("(\(ProductRecords.available)) > 0") }
        let column = filter.sort.column
        let direction = filter.sort.descending ? "DESC" : "ASC"
        if let cursor = filter.after, let key = filter.sort.parameter(cursor.key) {
            let comparison = filter.sort.descending ? "<" : ">"
            let keyValue = bind(key)
            let idValue = bind(.text(cursor.id))
            conditions.append(
                "(\(column) \(comparison) \(keyValue) OR (\(column) = \(keyValue) AND p.id \(comparison) \(idValue)))")
        }
        sql =
            prefix + ProductRecords.select + "\nWHERE " + conditions.joined(separator: " AND ")
            + "\nORDER BY \(column) \(direction), p.id \(direction) LIMIT \(bind(SQLValue(filter.limit + 1)))"
    }

    private mutating func bind(_ value: SQLValue) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }
}
