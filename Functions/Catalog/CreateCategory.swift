import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

struct CreateCategoryInput: Decodable, Sendable {
    var name: String
    var slug: String?
    var parentID: String?

    enum CodingKeys: String, CodingKey {
        case name, slug, parent
        case parentID = "parent_id"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        // `parent` (by id or slug) is taken as well as `parent_id`.
        parentID =
            try container.decodeIfPresent(String.self, forKey: .parentID)
            ?? container.decodeIfPresent(String.self, forKey: .parent)
    }
}

/// `POST /categories` (admin) `{name, slug?, parent_id?}` → 201 with the category (the slug is
/// made from the name when not given); 409 `slug-taken`; 422 for an unknown parent or a bad
/// name or slug.
enum CreateCategory: Function {
    static func run(_ input: CreateCategoryInput, context: FunctionContext) async throws -> Reply<CategoryNode> {
        let name = input.name.trimmingWhitespace()
        var errors: [FieldError] = []
        if name.isEmpty || name.count > 100 { errors.append(FieldError(field: "name", message: "must be 1 to 100 characters")) }
        let slug = input.slug ?? CategoryRecords.slug(from: name)
        if !CategoryRecords.isSlug(slug) {
            errors.append(
                FieldError(
                    field: "slug",
                    message: "must be 1 to 64 lowercase letters, digits and single dashes (give one if the name has none)"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }

        let draft = CategoryNode(
            id: CatalogID.make(), parentID: input.parentID, name: name, slug: slug, createdAt: context.now.timestamp, children: []
        )
        let node: CategoryNode
        do {
            node = try await context.store.transaction { transaction in
                var node = draft
                if let parent = node.parentID {
                    guard let id = try CategoryRecords.resolve(parent, in: transaction) else {
                        throw FunctionError.validation([FieldError(field: "parent_id", message: "no such category")])
                    }
                    node.parentID = id
                }
                try transaction.execute(
                    "INSERT INTO categories (id, parent_id, name, slug, created_at) VALUES ($1, $2, $3, $4, $5)",
                    [.text(node.id), SQLValue(node.parentID), .text(node.name), .text(node.slug), .text(node.createdAt)])
                return node
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another category has the slug \(slug)", code: "slug-taken")
        }
        return .created(node, location: "/categories")
    }
}
