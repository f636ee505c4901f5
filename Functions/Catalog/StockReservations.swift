import Contracts
import SokoFunctions

/// Stock held for orders: reserve (all lines or none), commit (the goods leave), release (back
/// to available, or back on the shelf after a commit) and expiry. Every change is one transaction
/// that touches inventory rows in product-id order, so two of them never deadlock.
///
/// The handlers of `reserveStock`, `commitStock`, `releaseStock` and `expireReservations` call
/// these; they are public so that operators' tools and tests can drive them with a store.
public enum StockReservations {
    /// Where a reservation stands. `none` is only an answer (there is no reservation).
    public typealias Status = StockStatus
    /// One product and how many units of it.
    public typealias Line = ProductQuantity
    /// A reservation as `reserveStock` answers it.
    public typealias Reservation = StockReservation

    public static let defaultTTL = 900
    public static let ttlRange = 1...86_400
    public static let maximumLines = 100
    public static let maximumQuantity = 100_000

    /// Reserves every line for `orderID`, or nothing, until `ttlSeconds` after `now`.
    ///
    /// A repeat for an `active`, `committed` or `returned` reservation returns it unchanged (the
    /// lines are not compared); a repeat after it was `released` reserves anew.
    /// - Throws: ``FunctionError`` 422 `validation-failed` (bad input), 422 `unknown-product`
    ///   (unknown or archived products), 409 `insufficient-stock`; each names the lines at fault.
    public static func reserve(
        orderID: String, lines: [Line], ttlSeconds: Int = defaultTTL, store: Store, now: WallTime
    ) async throws -> Reservation {
        try validate(orderID: orderID, lines: lines, ttlSeconds: ttlSeconds)
        let expiresAt = now.adding(seconds: ttlSeconds)
        // On PostgreSQL a concurrent first reservation of the same order makes this one's insert
        // fail on the primary key (after the other committed): the retry finds it and returns it.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await store.transaction { transaction in
                    try reserve(orderID: orderID, lines: lines, at: now, until: expiresAt, in: transaction)
                }
            } catch StoreError.uniqueViolation where attempt < 3 {
                continue
            }
        }
    }

    private static func reserve(
        orderID: String, lines: [Line], at now: WallTime, until expiresAt: WallTime, in transaction: Transaction
    ) throws -> Reservation {
        if let existing = try reservation(orderID, in: transaction) {
            guard existing.status == .released else { return existing }
            // Conditional, so that of two concurrent repeats only one reserves anew.
            let changed = try transaction.execute(
                """
                UPDATE reservations SET status = 'active', expires_at = $2, updated_at = $3
                WHERE order_id = $1 AND status = 'released'
                """, [.text(orderID), .integer(expiresAt.unixMilliseconds), .text(now.timestamp)])
            guard changed > 0 else { return try reservation(orderID, in: transaction) ?? existing }
            try transaction.execute("DELETE FROM reservation_lines WHERE order_id = $1", [.text(orderID)])
            try transaction.execute("DELETE FROM reservation_variant_lines WHERE order_id = $1", [.text(orderID)])
        } else {
            try transaction.execute(
                """
                INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at)
                VALUES ($1, 'active', $2, $3, $3)
                """, [.text(orderID), .integer(expiresAt.unixMilliseconds), .text(now.timestamp)])
        }
        try requireSellable(lines, in: transaction)
        var shortages: [FieldError] = []
        for (index, line) in lines.enumerated().sorted(by: { $0.element.lockKey < $1.element.lockKey }) {
            // A variant's line takes from the variant's own stock; a plain product's from its own.
            let (table, key, id) = line.stockRow
            let changed = try transaction.execute(
                """
                UPDATE \(table) SET reserved = reserved + $2
                WHERE \(key) = $1 AND on_hand - reserved >= $2
                """, [.text(id), SQLValue(line.quantity)])
            if changed == 0 {
                let rows = try transaction.query(
                    "SELECT on_hand - reserved AS available FROM \(table) WHERE \(key) = $1", [.text(id)])
                let available = try rows.first?.int("available") ?? 0
                shortages.append(FieldError(field: "lines[\(index)].quantity", message: "only \(available) available"))
            }
        }
        guard shortages.isEmpty else {
            throw FunctionError(
                status: 409, code: "insufficient-stock", detail: "not enough stock for every line; nothing was reserved",
                errors: shortages.sorted { $0.field < $1.field })
        }
        for line in lines {
            if let variantID = line.variantID {
                try transaction.execute(
                    "INSERT INTO reservation_variant_lines (order_id, variant_id, quantity) VALUES ($1, $2, $3)",
                    [.text(orderID), .text(variantID), SQLValue(line.quantity)])
            } else {
                try transaction.execute(
                    "INSERT INTO reservation_lines (order_id, product_id, quantity) VALUES ($1, $2, $3)",
                    [.text(orderID), .text(line.productID), SQLValue(line.quantity)])
            }
        }
        return Reservation(orderID: orderID, status: .active, expiresAt: expiresAt.timestamp)
    }

    private static func validate(orderID: String, lines: [Line], ttlSeconds: Int) throws {
        var errors: [FieldError] = []
        if orderID.isEmpty || orderID.utf8.count > 100 {
            errors.append(FieldError(field: "order_id", message: "must be 1 to 100 characters"))
        }
        if lines.isEmpty || lines.count > maximumLines {
            errors.append(FieldError(field: "lines", message: "must list 1 to \(maximumLines) lines"))
        }
        var seen = Set<String>()
        for (index, line) in lines.enumerated() {
            if !seen.insert(line.lockKey).inserted {
                errors.append(FieldError(field: "lines[\(index)].product_id", message: "is listed twice"))
            }
            if !(1...maximumQuantity).contains(line.quantity) {
                errors.append(FieldError(field: "lines[\(index)].quantity", message: "must be 1 to \(maximumQuantity)"))
            }
        }
        if !ttlRange.contains(ttlSeconds) {
            errors.append(FieldError(field: "ttl_seconds", message: "must be 1 to \(ttlRange.upperBound) seconds"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
    }

    /// Throws 422 `unknown-product` naming each line whose product (or variant) is unknown or
    /// archived, and 422 `variant-required` naming each line that names no variant of a product
    /// sold as variants.
    private static func requireSellable(_ lines: [Line], in transaction: Transaction) throws {
        let placeholders = (1...lines.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try transaction.query(
            "SELECT id, options FROM products WHERE archived = 0 AND id IN (\(placeholders))", lines.map { .text($0.productID) })
        var hasOptions: [String: Bool] = [:]
        for row in rows { hasOptions[try row.string("id") ?? ""] = try ProductRecords.hasOptions(row) }
        let variantIDs = lines.compactMap(\.variantID)
        var variantOf: [String: String] = [:]
        if !variantIDs.isEmpty {
            let marks = (1...variantIDs.count).map { "$\($0)" }.joined(separator: ", ")
            for row in try transaction.query(
                "SELECT id, product_id FROM variants WHERE archived = 0 AND id IN (\(marks))", variantIDs.map { .text($0) })
            {
                variantOf[try row.string("id") ?? ""] = try row.string("product_id")
            }
        }
        var unknown: [FieldError] = []
        var needVariant: [FieldError] = []
        for (index, line) in lines.enumerated() {
            guard let options = hasOptions[line.productID] else {
                unknown.append(
                    FieldError(field: "lines[\(index)].product_id", message: "no such product (or it is no longer sold)"))
                continue
            }
            if let variantID = line.variantID {
                if variantOf[variantID] != line.productID {
                    unknown.append(
                        FieldError(
                            field: "lines[\(index)].variant_id",
                            message: "no such variant of the product (or it is no longer sold)"))
                }
            } else if options {
                needVariant.append(
                    FieldError(field: "lines[\(index)].variant_id", message: "the product is sold as variants; name one"))
            }
        }
        guard unknown.isEmpty else {
            throw FunctionError(status: 422, code: "unknown-product", detail: "some products cannot be ordered", errors: unknown)
        }
        guard needVariant.isEmpty else {
            throw FunctionError(
                status: 422, code: "variant-required", detail: "some products are sold as variants: choose one",
                errors: needVariant)
        }
    }

    static func reservation(_ orderID: String, in transaction: Transaction) throws -> Reservation? {
        let rows = try transaction.query(
            "SELECT status, expires_at FROM reservations WHERE order_id = $1", [.text(orderID)])
        guard let row = rows.first, let status = Status(rawValue: try row.string("status") ?? "") else { return nil }
        return Reservation(
            orderID: orderID, status: status,
            expiresAt: WallTime(unixMilliseconds: Int64(try row.int("expires_at") ?? 0)).timestamp)
    }

    /// The reservation's lines — the variants' with their product — in the order every change locks
    /// stock rows in (``ProductQuantity/lockKey``).
    static func lines(_ orderID: String, in transaction: Transaction) throws -> [Line] {
        let products = try transaction.query(
            "SELECT product_id, quantity FROM reservation_lines WHERE order_id = $1", [.text(orderID)]
        ).map { Line(productID: try $0.string("product_id") ?? "", quantity: try $0.int("quantity") ?? 0) }
        let variants = try transaction.query(
            """
            SELECT v.product_id, r.variant_id, r.quantity FROM reservation_variant_lines r
            JOIN variants v ON v.id = r.variant_id WHERE r.order_id = $1
            """, [.text(orderID)]
        ).map {
            Line(
                productID: try $0.string("product_id") ?? "", variantID: try $0.string("variant_id"),
                quantity: try $0.int("quantity") ?? 0)
        }
        return (products + variants).sorted { $0.lockKey < $1.lockKey }
    }
}

extension ProductQuantity {
    /// The order stock rows are locked in: by product, then variant (a product's own row first).
    var lockKey: String { productID + "/" + (variantID ?? "") }

    /// The stock row the line takes from: `(table, key column, key)`.
    var stockRow: (table: String, key: String, id: String) {
        variantID.map { ("variant_inventory", "variant_id", $0) } ?? ("inventory", "product_id", productID)
    }
}
