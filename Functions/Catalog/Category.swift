import SokoFunctions

/// A category with its subcategories, as `listCategories` shows the tree.
struct CategoryNode: Codable, Sendable, Equatable {
    var id: String
    var parentID: String?
    var name: String
    var slug: String
    var createdAt: String
    var children: [CategoryNode]

    enum CodingKeys: String, CodingKey {
        case id, name, slug, children
        case parentID = "parent_id"
        case createdAt = "created_at"
    }
}

/// Reading categories from the catalog's tables.
enum CategoryRecords {
    static func exists(_ id: String, in transaction: Transaction) throws -> Bool {
        try !transaction.query("SELECT id FROM categories WHERE id = $1", [.text(id)]).isEmpty
    }

    /// The id of the category named by its id or its slug; nil when there is none.
    static func resolve(_ idOrSlug: String, in transaction: Transaction) throws -> String? {
        try transaction.query(
            "SELECT id FROM categories WHERE id = $1 OR slug = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END LIMIT 1",
            [.text(idOrSlug)]
        ).first?.string("id")
    }

    /// Every category, arranged as a forest (roots and children sorted by name, then slug).
    static func tree(from rows: [Row]) throws -> [CategoryNode] {
        var nodes: [CategoryNode] = []
        for row in rows {
            nodes.append(
                CategoryNode(
                    id: try row.string("id") ?? "", parentID: try row.string("parent_id"), name: try row.string("name") ?? "",
                    slug: try row.string("slug") ?? "", createdAt: try row.string("created_at") ?? "", children: []))
        }
        let byParent = Dictionary(grouping: nodes) { $0.parentID ?? "" }
        let ids = Set(nodes.map(\.id))
        func build(_ node: CategoryNode, depth: Int) -> CategoryNode {
            var node = node
            // The depth bound keeps a (corrupt) cycle from recursing forever.
            if depth < 64 { node.children = sorted(byParent[node.id] ?? []).map { build($0, depth: depth + 1) } }
            return node
        }
        return sorted(nodes.filter { $0.parentID == nil || !ids.contains($0.parentID!) }).map { build($0, depth: 0) }
    }

    private static func sorted(_ nodes: [CategoryNode]) -> [CategoryNode] {
        nodes.sorted { ($0.name, $0.slug) < ($1.name, $1.slug) }
    }

    /// `name` as a slug: lowercase ASCII letters and digits, runs of anything else as one `-`.
    static func slug(from name: String) -> String {
        var slug = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !slug.isEmpty { slug += "-" }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return String(slug.prefix(64))
    }

    static func isSlug(_ text: String) -> Bool {
        guard (1...64).contains(text.utf8.count), text.first != "-", text.last != "-", !text.contains("--") else {
            return false
        }
        return text.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }
}
