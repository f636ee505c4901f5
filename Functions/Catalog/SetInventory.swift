import SokoFunctions

struct SetInventoryInput: Decodable, Sendable {
    var onHand: Int

    enum CodingKeys: String, CodingKey {
        case onHand = "on_hand"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let onHand = try container.decodeWholeNumber(forKey: .onHand) else {
            throw DecodingError.keyNotFound(
                CodingKeys.onHand, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "missing"))
        }
        self.onHand = onHand
    }
}

/// A product's stock counters.
struct InventoryView: Codable, Sendable, Equatable {
    var productID: String
    var onHand: Int
    var reserved: Int
    var available: Int

    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case onHand = "on_hand"
        case reserved, available
    }
}

/// `PUT /products/{id}/inventory` (admin) `{on_hand}` → the stock counters; 404 for an unknown
/// product, 422 for a negative count, 409 `stock-reserved` when fewer than the units already
/// reserved (those belong to orders in progress).
enum SetInventory: Function {
    static func run(_ input: SetInventoryInput, context: FunctionContext) async throws -> InventoryView {
        let id = context.pathParameter("id") ?? ""
        guard input.onHand >= 0 else {
            throw FunctionError.validation([FieldError(field: "on_hand", message: "must be zero or more")])
        }
        return try await context.store.transaction { transaction in
            guard try !transaction.query("SELECT id FROM products WHERE id = $1", [.text(id)]).isEmpty else {
                throw FunctionError.notFound("no such product", code: "product-not-found")
            }
            // A product created before its inventory row existed gets one here.
            try transaction.execute(
                """
                INSERT INTO inventory (product_id, on_hand, reserved) VALUES ($1, 0, 0)
                ON CONFLICT (product_id) DO NOTHING
                """, [.text(id)])
            let changed = try transaction.execute(
                "UPDATE inventory SET on_hand = $2 WHERE product_id = $1 AND reserved <= $2", [.text(id), SQLValue(input.onHand)])
            let row = try transaction.query("SELECT on_hand, reserved FROM inventory WHERE product_id = $1", [.text(id)])
            let onHand = try row.first?.int("on_hand") ?? 0
            let reserved = try row.first?.int("reserved") ?? 0
            guard changed > 0 else {
                throw FunctionError(
                    status: 409, code: "stock-reserved",
                    detail: "\(reserved) units are reserved by orders in progress; on_hand cannot go below that",
                    errors: [FieldError(field: "on_hand", message: "must be at least \(reserved)")])
            }
            return InventoryView(productID: id, onHand: onHand, reserved: reserved, available: onHand - reserved)
        }
    }
}
