import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The bundle's settings, read from the environment once, when it registers.
struct NotificationSettings: Sendable {
    /// `SOKO_MAIL_FROM`: the sender of every email (default `Soko <no-reply@soko.example>`).
    var from: Mailbox
    /// The name the emails sign with: the sender's display name.
    var shop: String
    /// `SOKO_PUBLIC_URL` without a trailing slash: the base of the links in account emails
    /// (production requires it for every process; development defaults to this machine).
    var publicURL = "http://127.0.0.1:8080"

    static let defaultFrom = "Soko <no-reply@soko.example>"

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter mode: in production mail must leave through SMTP (`SOKO_SMTP_URL`; without it the
    ///   host writes `.eml` files nobody reads) from the shop's own sender (`SOKO_MAIL_FROM`).
    init(environment: [String: String], mode: RunMode = .development) throws {
        let configured = environment["SOKO_MAIL_FROM"].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 }
        if mode == .production {
            guard !(environment["SOKO_SMTP_URL"] ?? "").trimmingSpaces.isEmpty else {
                throw Invalid(
                    description:
                        "SOKO_SMTP_URL: is required in production (e.g. smtp://live.smtp.mailtrap.io:587); without it mail is only written to files"
                )
            }
            let smtp = environment["SOKO_SMTP_URL"] ?? ""
            if smtp.contains("sandbox.smtp.mailtrap.io") {
                throw Invalid(
                    description:
                        "SOKO_SMTP_URL: Mailtrap's sandbox keeps mail in a test inbox; production sends through smtp://live.smtp.mailtrap.io:587"
                )
            }
            let host = (URL(string: smtp)?.host ?? "").lowercased()
            let local = host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
            if environment["SOKO_SMTP_TLS"] == "off", !local {
                throw Invalid(
                    description:
                        "SOKO_SMTP_TLS: off sends the SMTP password in clear; production keeps TLS except to a relay on this machine"
                )
            }
            guard let configured else {
                throw Invalid(
                    description:
                        "SOKO_MAIL_FROM: is required in production (the shop's sender, e.g. \"Duka <orders@duka.co.ke>\")")
            }
            if let domain = configured.split(separator: "@").last.map({
                $0.trimming(while: { $0 == ">" || $0 == " " })
            }),
                ProductionURL.kind("https://" + domain) == .placeholder
            {
                throw Invalid(description: "SOKO_MAIL_FROM: \(configured) is a documentation placeholder, not the shop's sender")
            }
        }
        let text = configured ?? Self.defaultFrom
        guard let from = Mailbox(parsing: text) else {
            throw Invalid(
                description: "SOKO_MAIL_FROM must be an address like \"Soko <no-reply@example.com>\" (ASCII address), not \(text)"
            )
        }
        self.from = from
        shop = from.name ?? "Soko"
        if let url = environment["SOKO_PUBLIC_URL"]?.trimmingSpaces, !url.isEmpty {
            publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }
}
