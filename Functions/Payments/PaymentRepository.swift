import SokoFunctions

/// Reads payments from the Payments store (outside or inside a transaction).
enum PaymentRepository {
    static func find(id: String, in store: Store) async throws -> Payment? {
        try await one("id = $1", [.text(id)], in: store)
    }

    static func find(checkoutRequestID: String, in store: Store) async throws -> Payment? {
        try await one("checkout_request_id = $1", [.text(checkoutRequestID)], in: store)
    }

    static func find(paymentIntentID: String, in store: Store) async throws -> Payment? {
        try await one("payment_intent_id = $1", [.text(paymentIntentID)], in: store)
    }

    static func pending(orderID: String, method: PaymentMethod, in store: Store) async throws -> Payment? {
        try await one(
            "order_id = $1 AND method = $2 AND status = 'pending'", [.text(orderID), .text(method.rawValue)], in: store)
    }

    static func find(id: String, in transaction: Transaction) throws -> Payment? {
        try transaction.query("SELECT \(Payment.columns) FROM payments WHERE id = $1", [.text(id)]).first.map(Payment.init)
    }

    static func all(_ condition: String, _ parameters: [SQLValue], in store: Store) async throws -> [Payment] {
        try await store.query("SELECT \(Payment.columns) FROM payments WHERE \(condition)", parameters).map(Payment.init)
    }

    private static func one(_ condition: String, _ parameters: [SQLValue], in store: Store) async throws -> Payment? {
        try await all(condition, parameters, in: store).first
    }

    /// Whether `text` can be one of the payment ids this service issues (lower-case UUIDs).
    static func isPaymentID(_ text: String) -> Bool {
        text.utf8.count == 36
            && text.utf8.allSatisfy { byte in
                byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            }
    }
}
