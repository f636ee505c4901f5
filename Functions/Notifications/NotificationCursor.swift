import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A position in the newest-first delivery log: the last row shown (`created_at`, `id`), as
/// opaque base64url text.
struct NotificationCursor: Equatable {
    var createdAt: String
    var id: String

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    var text: String {
        Data("\(createdAt) \(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil for anything this service did not hand out.
    init?(text: String) {
        guard !text.isEmpty, text.count <= 200,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 24, parts[0].allSatisfy({ $0.isASCII && !$0.isWhitespace }),
            DeliveryLog.isID(String(parts[1]))
        else { return nil }
        createdAt = String(parts[0])
        id = String(parts[1])
    }
}
