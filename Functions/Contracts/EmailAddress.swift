import SokoFunctions

/// How the shop spells an email address: trimmed and lower-cased. Users keys accounts by it and
/// Orders keys guest orders by it, so a guest's orders find the account registered with the same
/// address (``UsersEvents/emailVerified``).
public enum EmailAddress {
    /// The normalised address; nil when `text` is not a plausible address.
    public static func normalised(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace().lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !trimmed.contains(" ")
        else { return nil }
        return trimmed
    }
}
