import SokoFunctions

struct CategoryTree: Encodable, Sendable {
    var categories: [CategoryNode]
}

/// `GET /categories` (public) → `{categories: [...]}`: the category tree, each node with its
/// `children`.
enum ListCategories: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> CategoryTree {
        let rows = try await context.store.query("SELECT id, parent_id, name, slug, created_at FROM categories", [])
        return CategoryTree(categories: try CategoryRecords.tree(from: rows))
    }
}
