/// Quoted-printable (RFC 2045 §6.7) for text bodies: line breaks become CRLF, every line is at
/// most 76 characters (soft breaks end in `=`), and only printable ASCII other than `=` is written
/// as itself. A space or tab before a line break, and a `.` opening a line (which a careless SMTP
/// path could read as the end of the message), are encoded as well.
enum QuotedPrintable {
    static let maximumLineLength = 76

    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = normalisedLines(text)
        for (number, line) in lines.enumerated() {
            encode(line: line, into: &out)
            if number < lines.count - 1 { out += "\r\n" }
        }
        return out
    }

    /// The text's lines, whatever their breaks were (CRLF, LF or a lone CR).
    static func normalisedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                if previous != UInt8(ascii: "\r") { lines.append([]) }
            } else if byte == UInt8(ascii: "\r") {
                lines.append([])
            } else {
                lines[lines.count - 1].append(byte)
            }
            previous = byte
        }
        return lines
    }

    private static func encode(line: [UInt8], into out: inout String) {
        var column = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            var token: String
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                token = isLast ? escaped(byte) : String(UnicodeScalar(byte))
            case UInt8(ascii: "="):
                token = escaped(byte)
            case 33...126:
                token = String(UnicodeScalar(byte))
            default:
                token = escaped(byte)
            }
            // Room for the token, and for a soft break after it unless the hard line ends here.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if column + token.count > room {
                out += "=\r\n"
                column = 0
            }
            if column == 0, byte == UInt8(ascii: ".") { token = escaped(byte) }
            out += token
            column += token.count
        }
    }

    private static func escaped(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
