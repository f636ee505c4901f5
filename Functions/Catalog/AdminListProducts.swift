import SokoFunctions

/// A page of ``AdminProduct``s, `{items, next_cursor}`.
struct AdminProductPage: Encodable, Sendable {
    var items: [AdminProduct]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// Which products the merchant's list shows.
enum ProductStatusFilter: String, Sendable, CaseIterable {
    case all, active, archived
}

/// `GET /admin/products?status=all|active|archived&q=&cursor=&limit=` (admin) → every product,
/// archived ones too (the storefront's listing hides them), newest first, with their stock
/// counters; `q` matches a part of the name or the SKU, ignoring case.
enum AdminListProducts: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> AdminProductPage {
        let query = context.request.query
        var errors: [FieldError] = []
        var status = ProductStatusFilter.all
        if let text = query["status"] {
            if let value = ProductStatusFilter(rawValue: text) {
                status = value
            } else {
                errors.append(FieldError(field: "status", message: "must be one of all, active, archived"))
            }
        }
        var limit = 50
        if let text = query["limit"] {
            if let value = Int(text), (1...ProductFilter.maximumLimit).contains(value) {
                limit = value
            } else {
                errors.append(
                    FieldError(field: "limit", message: "must be an integer from 1 to \(ProductFilter.maximumLimit)"))
            }
        }
        let search = query["q"]?.trimmingWhitespace() ?? ""
        if search.count > SearchQuery.maximumLength || search.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            errors.append(
                FieldError(field: "q", message: "must be at most \(SearchQuery.maximumLength) characters, no control characters"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors, detail: "the query has invalid parameters") }

        var conditions: [String] = []
        var parameters: [SQLValue] = []
        switch status {
        case .all: break
        case .active: conditions.append("p.archived = 0")
        case .archived: conditions.append("p.archived = 1")
        }
        if !search.isEmpty {
            parameters.append(.text("%" + Self.escapeLike(search.lowercased()) + "%"))
            let value = "$\(parameters.count)"
            conditions.append("(LOWER(p.name) LIKE \(value) ESCAPE '\\' OR LOWER(p.sku) LIKE \(value) ESCAPE '\\')")
        }
        if let text = query["cursor"], !text.isEmpty {
            guard let parts = PageCursor.decode(text, parts: 2) else {
                throw FunctionError.badRequest("the cursor is not one this listing gave out", code: "invalid-cursor")
            }
            parameters.append(.text(parts[0]))
            let created = "$\(parameters.count)"
            parameters.append(.text(parts[1]))
            let id = "$\(parameters.count)"
            conditions.append("(p.created_at < \(created) OR (p.created_at = \(created) AND p.id < \(id)))")
        }
        parameters.append(SQLValue(limit + 1))
        let sql =
            AdminProduct.select + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY p.created_at DESC, p.id DESC LIMIT $\(parameters.count)"
        var items = try await context.store.query(sql, parameters).map(AdminProduct.init(row:))
        var next: String?
        if items.count > limit {
            items.removeLast(items.count - limit)
            if let last = items.last { next = PageCursor.encode([last.product.createdAt, last.product.id]) }
        }
        return AdminProductPage(items: items, nextCursor: next)
    }

    /// `text` with LIKE's wildcards (and the escape character) taken literally.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
