import SokoFunctions

/// The bundle's settings, read from the environment once, when it registers.
struct NotificationSettings: Sendable {
    /// `SOKO_MAIL_FROM`: the sender of every email (default `Soko <no-reply@soko.example>`).
    var from: Mailbox
    /// The name the emails sign with: the sender's display name.
    var shop: String

    static let defaultFrom = "Soko <no-reply@soko.example>"

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(environment: [String: String]) throws {
        let text = environment["SOKO_MAIL_FROM"].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 } ?? Self.defaultFrom
        guard let from = Mailbox(parsing: text) else {
            throw Invalid(
                description: "SOKO_MAIL_FROM must be an address like \"Soko <no-reply@example.com>\" (ASCII address), not \(text)"
            )
        }
        self.from = from
        shop = from.name ?? "Soko"
    }
}
