import Contracts
import SokoFunctions

/// Reads orders and their lines from the Orders store (outside or inside a transaction).
enum OrderRepository {
    static func find(id: String, in store: Store) async throws -> Order? {
        let rows = try await store.query("SELECT \(Order.columns) FROM orders WHERE id = $1", [.text(id)])
        guard let row = rows.first else { return nil }
        return try Order(row: row, lines: try await lines(of: [id], in: store)[id] ?? [])
    }

    static func find(customerID: String, idempotencyKey: String, in store: Store) async throws -> Order? {
        let rows = try await store.query(
            "SELECT \(Order.columns) FROM orders WHERE customer_id = $1 AND idempotency_key = $2",
            [.text(customerID), .text(idempotencyKey)])
        guard let row = rows.first, let id = try row.string("id") else { return nil }
        return try Order(row: row, lines: try await lines(of: [id], in: store)[id] ?? [])
    }

    static func find(id: String, in transaction: Transaction) throws -> Order? {
        let rows = try transaction.query("SELECT \(Order.columns) FROM orders WHERE id = $1", [.text(id)])
        guard let row = rows.first else { return nil }
        let lineRows = try transaction.query(
            "SELECT \(lineColumns) FROM order_lines WHERE order_id = $1 ORDER BY position", [.text(id)])
        return try Order(row: row, lines: lineRows.map(line))
    }

    /// Orders for `rows` (selected with ``Order/columns``), their lines fetched in one query.
    static func orders(_ rows: [Row], in store: Store) async throws -> [Order] {
        let ids = try rows.compactMap { try $0.string("id") }
        let lines = try await lines(of: ids, in: store)
        return try rows.map { row in try Order(row: row, lines: lines[try row.string("id") ?? ""] ?? []) }
    }

    static func lines(of orderIDs: [String], in store: Store) async throws -> [String: [OrderLine]] {
        guard !orderIDs.isEmpty else { return [:] }
        let placeholders = (1...orderIDs.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try await store.query(
            "SELECT order_id, \(lineColumns) FROM order_lines WHERE order_id IN (\(placeholders)) ORDER BY order_id, position",
            orderIDs.map { .text($0) })
        var byOrder: [String: [OrderLine]] = [:]
        for row in rows { byOrder[try row.string("order_id") ?? "", default: []].append(try line(row)) }
        return byOrder
    }

    private static let lineColumns = "product_id, sku, name, unit_price, quantity, line_total, variant_id, option_text"

    private static func line(_ row: Row) throws -> OrderLine {
        OrderLine(
            productID: try row.string("product_id") ?? "", sku: try row.string("sku") ?? "", name: try row.string("name") ?? "",
            unitPrice: try row.int("unit_price") ?? 0, quantity: try row.int("quantity") ?? 0,
            lineTotal: try row.int("line_total") ?? 0, variantID: OrderLineVariants.variantID(try row.string("variant_id")),
            optionText: try row.string("option_text"))
    }

    /// Whether `text` has the shape of the ids this service issues (lower-case UUIDs), so a lookup
    /// with anything else can answer 404 without a query.
    static func isOrderID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                else { return false }
            }
        }
        return true
    }
}
