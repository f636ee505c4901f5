import SokoFunctions

/// An M-Pesa refund: a reversal of the payment's transaction through Daraja, one row per payment
/// (`mpesa_reversals`), retried in place.
///
/// `pending` → (Daraja accepts) `requested` → (the ResultURL's result) `succeeded` or `failed`;
/// `pending` → (Daraja refuses, or cannot be reached) `failed`; `requested` → (QueueTimeOutURL)
/// `failed`. An admin retries a `failed` one (`POST /admin/refunds/{id}/retry`), which makes it
/// `pending` again with a new callback token. A `pending` or `requested` one with no news for ten
/// minutes is asked after with Transaction Status (``ReconcileReversals``), whose answer
/// (``MpesaReversalStatus``) makes it `succeeded` or `failed`. Only ``MpesaRefunds`` and those two
/// change rows, each change a conditional `UPDATE … WHERE status …`.
struct MpesaReversal: Sendable, Equatable, Encodable {
    enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case requested
        case succeeded
        case failed
    }

    var id: String
    var paymentID: String
    var orderID: String
    var amount: Int
    var currency: String
    var receipt: String
    var status: Status
    var attempts: Int
    var callbackTokenHash: String?
    var conversationID: String?
    var originatorConversationID: String?
    var resultCode: String?
    var resultDesc: String?
    var reversalTransactionID: String?
    var createdAt: String
    var updatedAt: String
    /// The SHA-256 of the callback token of the latest Transaction Status query (``ReconcileReversals``).
    var statusTokenHash: String?
    /// How many times Transaction Status was asked about this reversal, and when last.
    var statusQueries: Int
    var statusQueriedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, method, amount, currency, receipt, status, attempts
        case paymentID = "payment_id"
        case orderID = "order_id"
        case conversationID = "conversation_id"
        case resultCode = "result_code"
        case resultDesc = "result_desc"
        case reversalTransactionID = "reversal_transaction_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The public document leaves the token hash and Safaricom's originator id out.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode("mpesa", forKey: .method)
        try container.encode(paymentID, forKey: .paymentID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(receipt, forKey: .receipt)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(resultCode, forKey: .resultCode)
        try container.encode(resultDesc, forKey: .resultDesc)
        try container.encode(reversalTransactionID, forKey: .reversalTransactionID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    static let columns = """
        id, payment_id, order_id, amount, currency, receipt, status, attempts, callback_token_hash, conversation_id,
        originator_conversation_id, result_code, result_desc, reversal_transaction_id, created_at, updated_at,
        status_token_hash, status_queries, status_queried_at
        """

    init(row: Row) throws {
        id = try row.string("id") ?? ""
        paymentID = try row.string("payment_id") ?? ""
        orderID = try row.string("order_id") ?? ""
        amount = try row.int("amount") ?? 0
        currency = try row.string("currency") ?? ""
        receipt = try row.string("receipt") ?? ""
        guard let status = try row.string("status").flatMap(Status.init(rawValue:)) else {
            throw StoreError.type(column: "status", expected: "a reversal status")
        }
        self.status = status
        attempts = try row.int("attempts") ?? 0
        callbackTokenHash = try row.string("callback_token_hash")
        conversationID = try row.string("conversation_id")
        originatorConversationID = try row.string("originator_conversation_id")
        resultCode = try row.string("result_code")
        resultDesc = try row.string("result_desc")
        reversalTransactionID = try row.string("reversal_transaction_id")
        createdAt = try row.string("created_at") ?? ""
        updatedAt = try row.string("updated_at") ?? ""
        statusTokenHash = try row.string("status_token_hash")
        statusQueries = try row.int("status_queries") ?? 0
        statusQueriedAt = try row.string("status_queried_at")
    }

    static func find(_ condition: String, _ parameters: [SQLValue], in store: Store) async throws -> MpesaReversal? {
        try await store.query("SELECT \(columns) FROM mpesa_reversals WHERE \(condition)", parameters).first.map(Self.init)
    }

    static func find(_ condition: String, _ parameters: [SQLValue], in transaction: Transaction) throws -> MpesaReversal? {
        try transaction.query("SELECT \(columns) FROM mpesa_reversals WHERE \(condition)", parameters).first.map(Self.init)
    }

    /// `rev_` and 24 hex digits.
    static func newID() -> String { "rev_" + Hex.random(digits: 24) }

    static func isID(_ text: String) -> Bool {
        text.utf8.count == 28 && text.hasPrefix("rev_")
            && text.utf8.dropFirst(4).allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
