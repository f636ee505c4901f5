import SokoFunctions

/// A position in a newest-first delivery log (email or SMS): the last row shown (`created_at`, `id`), as
/// opaque base64url text.
struct NotificationCursor: Equatable {
    var createdAt: String
    var id: String

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    var text: String { PageCursor.encode([createdAt, id]) }

    /// Nil for anything this service did not hand out.
    init?(text: String) { self.init(text: text, isID: DeliveryLog.isID) }

    /// Nil for anything this service did not hand out, `isID` telling the log's ids (email, SMS).
    init?(text: String, isID: (String) -> Bool) {
        guard let parts = PageCursor.decode(text, parts: 2), parts[0].count == 24,
            parts[0].allSatisfy({ $0.isASCII && !$0.isWhitespace }), isID(parts[1])
        else { return nil }
        createdAt = parts[0]
        id = parts[1]
    }
}
