/// Header values as RFC 5322 and RFC 2047 want them: one line (no CR or LF can get in, so no
/// header can be injected), folded at 78 columns, non-ASCII text as `=?UTF-8?B?…?=` encoded words.
enum MailHeader {
    /// `text` with every control character (CR and LF among them) turned into a space, runs of
    /// spaces collapsed, and the ends trimmed.
    static func singleLine(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let isControl = scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isControl || scalar == " " {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out += " " }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The header line `name: value` (with CRLF), folded; `words` are written separated by one
    /// space, and a fold only ever replaces such a space.
    static func line(_ name: String, words: [String]) -> String {
        var out = name + ":"
        var column = out.count
        for word in words {
            if column + 1 + word.count > 78, column > name.count + 1 {
                out += "\r\n"
                column = 0
            }
            out += " " + word
            column += 1 + word.count
        }
        return out + "\r\n"
    }

    /// Unstructured text (a Subject): the words themselves when it is printable ASCII in words of
    /// reasonable length, else encoded words.
    static func unstructured(_ text: String) -> [String] {
        let clean = singleLine(text)
        let words = clean.split(separator: " ").map(String.init)
        if isPlain(clean), words.allSatisfy({ $0.count <= 70 }) { return words }
        return encodedWords(clean)
    }

    /// A mailbox for From or To: the display name as atoms, a quoted string or encoded words,
    /// then `<address>`.
    static func mailbox(_ mailbox: Mailbox) -> [String] {
        guard let name = mailbox.name, !name.isEmpty else { return [mailbox.address] }
        let atext = Set("!#$%&'*+-/=?^_`{|}~".utf8)
        let phrase: [String]
        if !isPlain(name) {
            phrase = encodedWords(name)
        } else if name.utf8.allSatisfy({ $0 == 32 || atext.contains($0) || isAlphanumeric($0) }) {
            phrase = name.split(separator: " ").map(String.init)
        } else {
            var quoted = "\""
            for character in name {
                if character == "\"" || character == "\\" { quoted += "\\" }
                quoted.append(character)
            }
            phrase = [quoted + "\""]
        }
        return phrase + ["<\(mailbox.address)>"]
    }

    /// `text` as RFC 2047 `B` encoded words of whole characters, each at most 64 columns (so a
    /// word fits on a folded line with room to spare), to be written separated by spaces.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > 39 {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Base64.encode(bytes) + "?="
    }

    /// Printable ASCII with nothing a decoder could take for an encoded word.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !text.contains("=?")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Standard base64 (RFC 4648 §4, with padding).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
