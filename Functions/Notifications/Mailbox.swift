/// An email address with an optional display name (`Soko <no-reply@soko.example>`).
///
/// The address itself must be plain ASCII (`local@domain`, no spaces, quotes, brackets or
/// control characters): the host's SMTP transport does not offer SMTPUTF8, and nothing that could
/// end a header or an SMTP command gets through. Display names may be any text; they are encoded
/// for the header when written (``MailHeader``).
struct Mailbox: Sendable, Equatable, CustomStringConvertible {
    var name: String?
    var address: String

    /// Nil when `address` is not an address this service will write to.
    init?(name: String?, address: String) {
        guard Self.isAcceptable(address: address) else { return nil }
        let cleaned = name.map(MailHeader.singleLine)
        self.name = cleaned?.isEmpty == false ? cleaned : nil
        self.address = address
    }

    /// Parses `Name <local@domain>` or a bare `local@domain` (configuration, not user input).
    init?(parsing text: String) {
        let trimmed = text.trimmingSpaces
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            var name = String(trimmed[..<open]).trimmingSpaces
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            self.init(name: name, address: address)
        } else {
            self.init(name: nil, address: trimmed)
        }
    }

    /// The part after `@` (Message-IDs are made in the sender's domain).
    var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    var description: String { name.map { "\($0) <\(address)>" } ?? address }

    static func isAcceptable(address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1,
            let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1, at <= 64
        else { return false }
        let forbidden = Set("()<>[]\\,;:\"@ ".utf8)
        let local = bytes[..<at]
        guard local.allSatisfy({ $0 > 32 && $0 < 127 && !forbidden.contains($0) }),
            local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".")
        else { return false }
        let domain = bytes[(at + 1)...]
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.count >= 2
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                    && label.allSatisfy { byte in
                        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    }
            }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
