internal import CUV

/// Writes status line and headers into bytes, adding `Date`, `Content-Length` and `Connection`.
struct ResponseSerializer {
    private var dateSecond: Int = -1
    private var dateBytes: [UInt8] = []

    mutating func serialize(
        _ response: HTTPResponse, into out: inout [UInt8], isHead: Bool,
        keepAlive: Bool, http10: Bool
    ) {
        if response.status == 200 && !http10 {
            out.appendLiteral("HTTP/1.1 200 OK\r\n")  // nearly every response: no digits, no lookup
        } else {
            if http10 { out.appendLiteral("HTTP/1.0 ") } else { out.appendLiteral("HTTP/1.1 ") }
            out.appendDecimal(response.status)
            out.append(UInt8(ascii: " "))
            out.appendUTF8(HTTPStatus.reason(response.status))
            out.appendLiteral("\r\n")
        }
        var hasDate = false
        var hasLength = false
        let requestID = response.requestID
        for field in response.headers {
            if field.name.equalsIgnoringASCIICase("Connection") { continue }
            if field.name.equalsIgnoringASCIICase("Date") { hasDate = true }
            if field.name.equalsIgnoringASCIICase("Content-Length") { hasLength = true }
            if requestID != nil && field.name.equalsIgnoringASCIICase("X-Request-ID") { continue }
            Self.appendHeaderText(field.name, to: &out)
            out.appendLiteral(": ")
            Self.appendHeaderText(field.value, to: &out)
            out.appendLiteral("\r\n")
        }
        if let requestID {
            out.appendLiteral("X-Request-ID: ")
            Self.appendHeaderText(requestID, to: &out)
            out.appendLiteral("\r\n")
        }
        if !hasDate {
            out.appendLiteral("Date: ")
            out.append(contentsOf: currentDate())
            out.appendLiteral("\r\n")
        }
        let bodyless = response.status < 200 || response.status == 204 || response.status == 304
        if !hasLength && !bodyless {
            out.appendLiteral("Content-Length: ")
            out.appendDecimal(response.body.count)
            out.appendLiteral("\r\n")
        }
        if !keepAlive {
            out.appendLiteral("Connection: close\r\n")
        } else if http10 {
            out.appendLiteral("Connection: keep-alive\r\n")
        }
        out.appendLiteral("\r\n")
        if !isHead && !bodyless { out.append(contentsOf: response.body) }
    }

    /// Copies header text, turning control bytes (CR, LF, NUL, …) into spaces: whatever a
    /// handler puts in a header, it cannot end the header early or start another one.
    @inline(__always)
    static func appendHeaderText(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        let copied =
            utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes where byte < 0x20 && byte != 0x09 || byte == 0x7F { return false }
                out.append(contentsOf: bytes)
                return true
            } ?? false
        if copied { return }
        for byte in utf8 { out.append(byte < 0x20 && byte != 0x09 || byte == 0x7F ? 0x20 : byte) }
    }

    /// IMF-fixdate of the current second, recomputed at most once a second.
    private mutating func currentDate() -> [UInt8] {
        var now = time(nil)
        if now != dateSecond {
            dateSecond = now
            var parts = tm()
            gmtime_r(&now, &parts)
            dateBytes = Array(HTTPDate.format(parts).utf8)
        }
        return dateBytes
    }
}

enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ t: tm) -> String {
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(1900 + t.tm_year) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT"
    }
}
