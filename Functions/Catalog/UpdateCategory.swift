import SokoFunctions

/// `updateCategory`'s body: any of the name, the slug and the parent. `parent_id: null` makes the
/// category a root; leaving the key out keeps its parent.
struct UpdateCategoryInput: Decodable, Sendable {
    var name: String?
    var slug: String?
    /// Nil: unchanged; `.some(nil)`: no parent.
    var parentID: String??

    enum CodingKeys: String, CodingKey {
        case name, slug
        case parentID = "parent_id"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        if container.contains(.parentID) {
            parentID = .some(try container.decodeIfPresent(String.self, forKey: .parentID))
        }
    }
}

/// `PATCH /categories/{id}` (admin) `{name?, slug?, parent_id?}` → the category; 404
/// `category-not-found`; 409 `slug-taken`; 422 for a bad name or slug, an unknown parent, or a
/// parent that is the category itself or one of its descendants (the tree stays a tree).
enum UpdateCategory: Function {
    static func run(_ input: UpdateCategoryInput, context: FunctionContext) async throws -> CategoryNode {
        let id = context.pathParameter("id") ?? ""
        var errors: [FieldError] = []
        let name = input.name?.trimmingWhitespace()
        if let name, name.isEmpty || name.count > 100 {
            errors.append(FieldError(field: "name", message: "must be 1 to 100 characters"))
        }
        if let slug = input.slug, !CategoryRecords.isSlug(slug) {
            errors.append(FieldError(field: "slug", message: "must be 1 to 64 lowercase letters, digits and single dashes"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        do {
            return try await context.store.transaction { transaction in
                guard
                    let row = try transaction.query(
                        "SELECT id, parent_id, name, slug, created_at FROM categories WHERE id = $1", [.text(id)]
                    ).first
                else { throw FunctionError.notFound("no such category", code: "category-not-found") }
                var node = CategoryNode(
                    id: id, parentID: try row.string("parent_id"), name: try row.string("name") ?? "",
                    slug: try row.string("slug") ?? "", createdAt: try row.string("created_at") ?? "", children: [])
                if let name { node.name = name }
                if let slug = input.slug { node.slug = slug }
                if let parent = input.parentID {
                    node.parentID = try parent.map { try resolveParent($0, of: id, in: transaction) }
                }
                try transaction.execute(
                    "UPDATE categories SET name = $2, slug = $3, parent_id = $4 WHERE id = $1",
                    [.text(id), .text(node.name), .text(node.slug), SQLValue(node.parentID)])
                return node
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another category has the slug \(input.slug ?? "")", code: "slug-taken")
        }
    }

    /// The id of `parent` (an id or a slug), refused when it is unknown or inside `id`'s own subtree.
    private static func resolveParent(_ parent: String, of id: String, in transaction: Transaction) throws -> String {
        guard let parentID = try CategoryRecords.resolve(parent, in: transaction) else {
            throw FunctionError.validation([FieldError(field: "parent_id", message: "no such category")])
        }
        let subtree = try transaction.query(
            """
            WITH RECURSIVE tree (id) AS (
                SELECT id FROM categories WHERE id = $1
                UNION SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)
            SELECT id FROM tree WHERE id = $2
            """, [.text(id), .text(parentID)])
        guard subtree.isEmpty else {
            throw FunctionError.validation(
                [FieldError(field: "parent_id", message: "must not be the category itself or one of its subcategories")])
        }
        return parentID
    }
}
