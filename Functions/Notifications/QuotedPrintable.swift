/// Quoted-printable (RFC 2045 §6.7) for text bodies: line breaks become CRLF, every line is at
/// most 76 characters (soft breaks end in `=`), and only printable ASCII other than `=` is written
/// as itself. A space or tab before a line break, and a `.` opening a line (which a careless SMTP
/// path could read as the end of the message), are encoded as well.
enum QuotedPrintable {
    static let maximumLineLength = 76

    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        let lines = normalisedLines(text)
        for (number, line) in lines.enumerated() {
            encode(line: line, into: &out)
            if number < lines.count - 1 { out += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
        }
        return String(decoding: out, as: UTF8.self)
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

    /// One line, in bytes (the encoding is ASCII): soft breaks (`=` CRLF) keep every line within
    /// 76 characters; trailing spaces, `=`, bytes outside 33–126 and a leading `.` are escaped.
    private static func encode(line: [UInt8], into out: inout [UInt8]) {
        var column = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            var escape: Bool
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): escape = isLast
            case UInt8(ascii: "="): escape = true
            case 33...126: escape = false
            default: escape = true
            }
            // Room for the token, and for a soft break after it unless the hard line ends here.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if column + (escape ? 3 : 1) > room {
                out += [UInt8(ascii: "="), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
                column = 0
            }
            if column == 0, byte == UInt8(ascii: ".") { escape = true }
            if escape {
                out += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                column += 3
            } else {
                out.append(byte)
                column += 1
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
