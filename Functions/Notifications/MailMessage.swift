import SokoFunctions

/// One email as `multipart/alternative` (plain text, then HTML; both UTF-8, quoted-printable),
/// rendered to the exact RFC 5322 bytes the host's mail transport sends.
///
/// Every header value passes through ``MailHeader``: control characters cannot reach a header,
/// so no value (a customer's name, a product's) can add one; non-ASCII text is RFC 2047 encoded.
struct MailMessage: Sendable {
    var from: Mailbox
    var to: Mailbox
    var subject: String
    var text: String
    var html: String
    /// RFC 5322 date (``MailDate``).
    var date: String
    /// The `Message-ID` without angle brackets: `local@domain`.
    var messageID: String
    /// Separates the parts; must not occur in them (quoted-printable output never contains `=_`).
    var boundary: String

    init(
        from: Mailbox, to: Mailbox, subject: String, text: String, html: String, date: String,
        messageID: String, boundary: String = MailMessage.randomBoundary()
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.boundary = boundary
    }

    /// A Message-ID for `key` (say, the event and the kind of mail) in `domain`: the same key
    /// gives the same id, so a copy sent again after a lost answer can be recognised as one.
    static func messageID(key: String, domain: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_".utf8)
        let local = String(decoding: key.utf8.map { allowed.contains($0) ? $0 : UInt8(ascii: "-") }, as: UTF8.self)
        return "\(local.isEmpty ? "mail" : local)@\(domain)"
    }

    static func randomBoundary() -> String {
        "=_soko_" + Hex.random(digits: 32)
    }

    /// The whole message: headers, blank line, body, CRLF line endings throughout.
    var rendered: [UInt8] {
        var out = ""
        out += MailHeader.line("Date", words: [MailHeader.singleLine(date)])
        out += MailHeader.line("From", words: MailHeader.mailbox(from))
        out += MailHeader.line("To", words: MailHeader.mailbox(to))
        out += MailHeader.line("Subject", words: MailHeader.unstructured(subject))
        out += MailHeader.line("Message-ID", words: ["<\(MailHeader.singleLine(messageID).replacingSpaces)>"])
        out += "MIME-Version: 1.0\r\n"
        // RFC 3834: an automatic message, so auto-responders stay quiet.
        out += "Auto-Submitted: auto-generated\r\n"
        out += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n"
        out += "\r\n"
        out += "This is a multi-part message in MIME format.\r\n"
        for (type, content) in [("text/plain", text), ("text/html", html)] {
            out += "\r\n--\(boundary)\r\n"
            out += "Content-Type: \(type); charset=UTF-8\r\n"
            out += "Content-Transfer-Encoding: quoted-printable\r\n"
            out += "\r\n"
            out += QuotedPrintable.encode(content)
        }
        out += "\r\n--\(boundary)--\r\n"
        return Array(out.utf8)
    }
}

extension String {
    fileprivate var replacingSpaces: String {
        String(decoding: utf8.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }
}
