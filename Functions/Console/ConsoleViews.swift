import SokoFunctions

// The JSON documents of the admin routes the console reads (openapi.yaml), decoded for its pages.
// Only what the pages show; unknown keys are ignored, so the callees may grow. Orders are
// `Contracts.OrderDocument`, the one order document the storefront reads too.

/// A product from `catalog.adminListProducts` / `adminGetProduct`.
struct ProductRow: Decodable, Sendable {
    var id: String
    var sku: String
    var name: String
    var description: String
    var price: Int
    var currency: String
    var categoryID: String
    var images: [String]
    var archived: Bool
    var available: Int
    var onHand: Int
    var reserved: Int
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, sku, name, description, price, currency, images, archived, available, reserved
        case categoryID = "category_id"
        case onHand = "on_hand"
        case updatedAt = "updated_at"
    }
}

/// A page of any `{items, next_cursor}` list.
struct ListPage<Item: Decodable & Sendable>: Decodable, Sendable {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

/// `catalog.listCategories`: the forest.
struct CategoryForest: Decodable, Sendable {
    var categories: [CategoryItem]

    /// Every category depth-first, with its depth (for indented choices).
    var flattened: [(category: CategoryItem, depth: Int)] {
        var out: [(CategoryItem, Int)] = []
        func walk(_ nodes: [CategoryItem], _ depth: Int) {
            for node in nodes {
                out.append((node, depth))
                if depth < 16 { walk(node.children, depth + 1) }
            }
        }
        walk(categories, 0)
        return out.map { (category: $0.0, depth: $0.1) }
    }
}

struct CategoryItem: Decodable, Sendable {
    var id: String
    var parentID: String?
    var name: String
    var slug: String
    var children: [CategoryItem]

    enum CodingKeys: String, CodingKey {
        case id, name, slug, children
        case parentID = "parent_id"
    }
}

/// A row of `notifications.listNotifications`.
struct MailRow: Decodable, Sendable {
    var kind: String
    var recipient: String?
    var subject: String?
    var status: String
    var attempts: Int
    var lastError: String?
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case kind, recipient, subject, status, attempts
        case lastError = "last_error"
        case updatedAt = "updated_at"
    }
}
