internal import CUV

/// Writes status line and headers into bytes, adding `Date`, `Content-Length` and `Connection`.
struct ResponseSerializer {
    private var dateSecond: Int = -1
    private var dateBytes: [UInt8] = []

    /// Returns whether the connection stays open: `keepAlive`, unless the handler's own
    /// `Connection: close` asked to close (read while its headers are written, not looked up).
    mutating func serialize(
        _ response: HTTPResponse, into out: inout [UInt8], isHead: Bool,
        keepAlive: Bool, http10: Bool
    ) -> Bool {
        let requestID = response.inlineRequestID
        // The head's exact size bound, so it is written with unchecked writes (see ``ByteWriter``):
        // every header byte maps to one byte, plus the fixed parts' room.
        var limit = 160 + (requestID?.utf8Count ?? 0)
        for field in response.headers { limit += field.name.utf8.count + field.value.utf8.count + 4 }
        let date = currentDate()
        var keptAlive = keepAlive
        out.appendWriting(atMost: limit) { head in
            keptAlive = writeHead(
                response, requestID: requestID, date: date, keepAlive: keepAlive, http10: http10, into: &head)
        }
        let bodyless = response.status < 200 || response.status == 204 || response.status == 304
        if !isHead && !bodyless && !response.body.isEmpty { out.append(contentsOf: response.body) }
        return keptAlive
    }

    private func writeHead(
        _ response: HTTPResponse, requestID: RequestID?, date: [UInt8], keepAlive: Bool, http10: Bool,
        into out: inout ByteWriter
    ) -> Bool {
        var keepAlive = keepAlive
        if response.status == 200 && !http10 {
            out.write("HTTP/1.1 200 OK\r\n")  // nearly every response: no digits, no lookup
        } else {
            if http10 { out.write("HTTP/1.0 ") } else { out.write("HTTP/1.1 ") }
            out.writeDecimal(response.status)
            out.write(UInt8(ascii: " "))
            out.writeUTF8(HTTPStatus.reason(response.status))  // at most 31 bytes
            out.write("\r\n")
        }
        var hasDate = false
        var hasLength = false
        for field in response.headers {
            // Four names the transport owns or watches: compared only when the length matches.
            switch field.name.utf8.count {
            case 10 where field.name.equalsIgnoringASCIICase("Connection"):
                if field.value.equalsIgnoringASCIICase("close") { keepAlive = false }
                continue
            case 4 where field.name.equalsIgnoringASCIICase("Date"): hasDate = true
            case 14 where field.name.equalsIgnoringASCIICase("Content-Length"): hasLength = true
            case 12 where requestID != nil && field.name.equalsIgnoringASCIICase("X-Request-ID"): continue
            default: break
            }
            Self.writeHeaderText(field.name, to: &out)
            out.write(": ")
            Self.writeHeaderText(field.value, to: &out)
            out.write("\r\n")
        }
        if let requestID {
            out.write("X-Request-ID: ")
            // A generated id is hex digits; one set from a string goes through the same
            // control-byte filter as other header text.
            if let text = requestID.text {
                Self.writeHeaderText(text, to: &out)
            } else {
                requestID.write(to: &out)
            }
            out.write("\r\n")
        }
        if !hasDate {
            out.write("Date: ")
            out.write(date)
            out.write("\r\n")
        }
        let bodyless = response.status < 200 || response.status == 204 || response.status == 304
        if !hasLength && !bodyless {
            out.write("Content-Length: ")
            out.writeDecimal(response.body.count)
            out.write("\r\n")
        }
        if !keepAlive {
            out.write("Connection: close\r\n")
        } else if http10 {
            out.write("Connection: keep-alive\r\n")
        }
        out.write("\r\n")
        return keepAlive
    }

    /// Copies header text, turning control bytes (CR, LF, NUL, …) into spaces: whatever a
    /// handler puts in a header, it cannot end the header early or start another one.
    @inline(__always)
    static func writeHeaderText(_ text: String, to out: inout ByteWriter) {
        let utf8 = text.utf8
        let copied =
            utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                guard isPlain(bytes) else { return false }
                out.write(bytes)
                return true
            } ?? false
        if copied { return }
        for byte in utf8 { out.write(byte < 0x20 && byte != 0x09 || byte == 0x7F ? 0x20 : byte) }
    }

    /// Whether `bytes` has no byte below 0x20 and no 0x7F, checked eight bytes at a time (a
    /// header's text is nearly always plain; a tab, which is kept, also takes the byte-by-byte
    /// path). `x - 0x20…` borrows into a byte's top bit where that byte is below 0x20 (`& ~x`
    /// leaves out bytes from 0x80); `x ^ 0x7F…` is zero where a byte is 0x7F.
    @inline(__always)
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        var flagged: UInt64 = 0
        var at = 0
        while at + 8 <= count {
            let x = raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            let y = x ^ 0x7F7F_7F7F_7F7F_7F7F
            flagged |= ((x &- 0x2020_2020_2020_2020) & ~x) | ((y &- 0x0101_0101_0101_0101) & ~y)
            at += 8
        }
        if flagged & 0x8080_8080_8080_8080 != 0 { return false }
        while at < count {
            let byte = base[at]
            if byte < 0x20 || byte == 0x7F { return false }
            at += 1
        }
        return true
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
