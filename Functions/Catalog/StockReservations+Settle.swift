import SokoFunctions

extension StockReservations {
    /// Commits `orderID`'s reservation: the goods leave (`on_hand` and `reserved` both drop).
    /// Committing again changes nothing.
    /// - Throws: ``FunctionError`` 404 `reservation-not-found`; 409 `reservation-released` when it
    ///   was released (expired) first, 409 `reservation-returned` when it was committed and put back.
    @discardableResult
    public static func commit(orderID: String, store: Store, now: WallTime) async throws -> Status {
        try await store.transaction { transaction in
            // The status changes first, conditionally: of two concurrent calls only one moves it, and
            // the other (blocked on the row until then) sees the new status on its next read.
            for _ in 0..<3 {
                guard let reservation = try reservation(orderID, in: transaction) else {
                    throw FunctionError.notFound("no reservation for order \(orderID)", code: "reservation-not-found")
                }
                switch reservation.status {
                case .committed, .none:
                    return .committed
                case .released:
                    throw FunctionError.conflict(
                        "the reservation was released (it expired); reserve again", code: "reservation-released")
                case .returned:
                    throw FunctionError.conflict(
                        "the reservation was committed and then returned", code: "reservation-returned")
                case .active:
                    guard try setStatus(.committed, of: orderID, from: .active, at: now, in: transaction) else { continue }
                    for line in try lines(orderID, in: transaction) {
                        let (table, key, id) = line.stockRow
                        try transaction.execute(
                            "UPDATE \(table) SET on_hand = on_hand - $2, reserved = reserved - $2 WHERE \(key) = $1",
                            [.text(id), SQLValue(line.quantity)])
                    }
                    return .committed
                }
            }
            throw StoreError.busy("the reservation of order \(orderID) kept changing")
        }
    }

    /// Releases `orderID`'s reservation: an `active` one becomes `released` (its units are available
    /// again); a `committed` one becomes `returned` (its units are back on the shelf). Anything else
    /// is answered as it stands (`none` when there is no reservation).
    @discardableResult
    public static func release(orderID: String, store: Store, now: WallTime) async throws -> Status {
        try await store.transaction { transaction in
            for _ in 0..<3 {
                guard let reservation = try reservation(orderID, in: transaction) else { return .none }
                switch reservation.status {
                case .active:
                    guard try setStatus(.released, of: orderID, from: .active, at: now, in: transaction) else { continue }
                    try unreserve(orderID, in: transaction)
                    return .released
                case .committed:
                    guard try setStatus(.returned, of: orderID, from: .committed, at: now, in: transaction) else { continue }
                    for line in try lines(orderID, in: transaction) {
                        let (table, key, id) = line.stockRow
                        try transaction.execute(
                            "UPDATE \(table) SET on_hand = on_hand + $2 WHERE \(key) = $1", [.text(id), SQLValue(line.quantity)])
                    }
                    return .returned
                case .released, .returned, .none:
                    return reservation.status
                }
            }
            throw StoreError.busy("the reservation of order \(orderID) kept changing")
        }
    }

    /// Releases the `active` reservations whose `expires_at` is at or before `now`;
    /// returns how many. Each is released in its own short transaction.
    @discardableResult
    public static func expire(store: Store, now: WallTime) async throws -> Int {
        var released = 0
        for _ in 0..<100 {
            let rows = try await store.query(
                """
                SELECT order_id FROM reservations WHERE status = 'active' AND expires_at <= $1
                ORDER BY expires_at LIMIT 100
                """, [.integer(now.unixMilliseconds)])
            if rows.isEmpty { break }
            for row in rows {
                let orderID = try row.string("order_id") ?? ""
                let didRelease = try await store.transaction { transaction -> Bool in
                    // Conditional: a commit or release since the query wins.
                    let changed = try transaction.execute(
                        """
                        UPDATE reservations SET status = 'released', updated_at = $3
                        WHERE order_id = $1 AND status = 'active' AND expires_at <= $2
                        """, [.text(orderID), .integer(now.unixMilliseconds), .text(now.timestamp)])
                    guard changed > 0 else { return false }
                    try unreserve(orderID, in: transaction)
                    return true
                }
                if didRelease { released += 1 }
            }
        }
        return released
    }

    private static func unreserve(_ orderID: String, in transaction: Transaction) throws {
        for line in try lines(orderID, in: transaction) {
            let (table, key, id) = line.stockRow
            try transaction.execute(
                "UPDATE \(table) SET reserved = reserved - $2 WHERE \(key) = $1", [.text(id), SQLValue(line.quantity)])
        }
    }

    /// Moves the status on only if it is still `previous`; returns whether it did.
    private static func setStatus(
        _ status: Status, of orderID: String, from previous: Status, at now: WallTime, in transaction: Transaction
    ) throws -> Bool {
        try transaction.execute(
            "UPDATE reservations SET status = $2, updated_at = $3 WHERE order_id = $1 AND status = $4",
            [.text(orderID), .text(status.rawValue), .text(now.timestamp), .text(previous.rawValue)]) > 0
    }
}
