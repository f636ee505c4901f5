internal import CHTTPParser
internal import CUV
import Glibc

/// http-parser's callbacks, bound to the ``HTTPConnection`` in `parser.data`.
///
/// They only collect bytes and decide; the connection does the rest. A non-zero return stops
/// the parser (the connection then answers from `rejection` or the parser's error).
enum HTTPParserCallbacks {
    static func makeSettings() -> http_parser_settings {
        var settings = http_parser_settings()
        settings.on_message_begin = { parser in
            HTTPConnection.with(parser!.pointee.data) { connection in
                // Closed while answering the previous request in this read (a synchronous answer
                // during a drain): read nothing more.
                if connection.closed { return 1 }
                connection.resetMessage()
                // A request that starts in the same read as the previous one gets its own timer.
                if connection.phase == .idle {
                    connection.phase = .head
                    connection.armTimer(milliseconds: connection.server.headerMilliseconds)
                }
                return 0
            }
        }
        settings.on_url = { parser, at, length in
            HTTPConnection.with(parser!.pointee.data) { connection in
                connection.url.append(UnsafeRawBufferPointer(start: at, count: length))
            }
            return 0
        }
        settings.on_header_field = { parser, at, length in
            HTTPConnection.with(parser!.pointee.data) { connection in
                if connection.readingValue { connection.endField() }
                connection.field.append(UnsafeRawBufferPointer(start: at, count: length))
                return connection.rejection == nil ? 0 : 1
            }
        }
        settings.on_header_value = { parser, at, length in
            HTTPConnection.with(parser!.pointee.data) { connection in
                connection.readingValue = true
                connection.value.append(UnsafeRawBufferPointer(start: at, count: length))
            }
            return 0
        }
        settings.on_headers_complete = { parser in
            HTTPConnection.with(parser!.pointee.data) { $0.headersComplete() }
        }
        settings.on_body = { parser, at, length in
            let connection = HTTPConnection.from(parser!.pointee.data)
            guard let plan = connection.plan else { return 1 }
            if connection.body.count + length > plan.bodyLimit {
                connection.rejection = .bodyTooLarge(limit: plan.bodyLimit)
                return 1
            }
            connection.body.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
            return 0
        }
        settings.on_message_complete = { parser in
            HTTPConnection.with(parser!.pointee.data) { $0.dispatch() }
            return 0
        }
        return settings
    }
}

extension HTTPConnection {
    func endField() {
        let index = fields.count
        let name: String
        if index < previousFields.count && Self.same(previousFields[index].name, field.bytes) {
            name = previousFields[index].name  // a valid token: it was checked when first read
        } else {
            if !HTTPToken.isValid(field.bytes) {
                rejection = .malformed("invalid header field name")
            }
            name = field.string
        }
        let text =
            index < previousFields.count && Self.same(previousFields[index].value, value.bytes)
            ? previousFields[index].value : value.string
        // The fields the transport itself reads, noted here (compared only when the length fits)
        // rather than looked up in the list afterwards.
        switch field.count {
        case 4 where name.equalsIgnoringASCIICase("Host"): hostFields += 1
        case 6 where name.equalsIgnoringASCIICase("Expect"): if expect == nil { expect = text }
        case 14 where name.equalsIgnoringASCIICase("Content-Length"):
            contentLengths.append(String(text.trimmingASCIIWhitespace))
        case 17 where name.equalsIgnoringASCIICase("Transfer-Encoding"): sawTransferEncoding = true
        default: break
        }
        // Room for as many fields as the previous request had (the connection keeps two lists,
        // so an idle connection holds no more than its client sends), rather than growing 1, 2, 4, 8.
        if fields.capacity == 0 { fields.reserveCapacity(max(4, previousFields.count)) }
        fields.append((name: name, value: text))
        field.removeAll()
        value.removeAll()
        readingValue = false
    }

    /// Whether `text` is exactly `bytes` (a string decoded from bytes that needed repair is not
    /// the same as those bytes, so it is decoded again, and repaired the same way).
    static func same(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            ?? utf8.elementsEqual(bytes)
    }

    /// Returns 0 to read the body, 1 to skip it (none expected), -1 to stop with `rejection` set.
    func headersComplete() -> Int32 {
        if readingValue || !field.isEmpty { endField() }
        if rejection != nil { return -1 }
        // No request smuggling: one unambiguous framing or none.
        if sawTransferEncoding && !contentLengths.isEmpty {
            rejection = .ambiguousLength("both Content-Length and Transfer-Encoding")
            return -1
        }
        if contentLengths.count > 1 && Set(contentLengths).count > 1 {
            rejection = .ambiguousLength("differing Content-Length values")
            return -1
        }
        // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host.
        let hosts = hostFields
        if hosts > 1 || (hosts == 0 && parser.pointee.http_major == 1 && parser.pointee.http_minor >= 1) {
            rejection = .malformed(hosts == 0 ? "missing Host header" : "more than one Host header")
            return -1
        }
        let method = HTTPMethods.name(Int(parser.pointee.method))
        let chunked = parser.pointee.flags & UInt32(F_CHUNKED.rawValue) != 0
        if sawTransferEncoding && !chunked {
            rejection = .malformed("Transfer-Encoding must end with chunked")
            return -1
        }
        var length: Int? = nil
        if let declared = contentLengths.first {
            guard let value = Int(declared), value >= 0 else {
                rejection = .malformed("invalid Content-Length")
                return -1
            }
            length = value
        }
        if !Self.same(previousTarget.text, url.bytes) { previousTarget = RequestTarget(url.string) }
        let head = HTTPRequestHead(
            method: method, target: previousTarget,
            versionMajor: Int(parser.pointee.http_major), versionMinor: Int(parser.pointee.http_minor),
            headers: HTTPHeaders(fields: fields), contentLength: length, isChunked: chunked, remoteAddress: peerAddress)
        // Planned from the local, then moved into the connection: stored first, it was copied
        // (a retain of each of its strings and the header list, and their releases).
        let plan = server.handler.plan(for: head)
        let versionMinor = head.versionMinor
        self.head = consume head
        self.plan = plan
        if let length, length > plan.bodyLimit {
            rejection = .bodyTooLarge(limit: plan.bodyLimit)
            return -1
        }
        let expectsBody = chunked || (length ?? 0) > 0
        if let expect {
            if !expect.equalsIgnoringASCIICase("100-continue") {
                rejection = .expectationFailed(expect)
                return -1
            }
            // Only when nothing is ahead of it on the wire; otherwise the client proceeds after
            // its own wait, as RFC 9110 allows.
            if expectsBody && versionMinor >= 1 && slots.isEmpty && pendingWrites == 0 {
                write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
        }
        if expectsBody {
            phase = .body
            bodyDeadline = uv_now(uvLoop) + server.bodyMilliseconds
        } else {
            phase = .head
        }
        return 0
    }
}

/// RFC 9110 `token` characters (header field names).
enum HTTPToken {
    /// One bit per byte value below 128 (every token character is ASCII), set for the token
    /// characters: a shift and a mask per byte.
    private static let (low, high): (UInt64, UInt64) = {
        var words: (low: UInt64, high: UInt64) = (0, 0)
        for byte in "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8 {
            if byte < 64 { words.low |= 1 << UInt64(byte) } else { words.high |= 1 << UInt64(byte - 64) }
        }
        return words
    }()

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return false }
        for byte in bytes {
            let word = byte < 64 ? low : byte < 128 ? high : 0
            if word & (1 << UInt64(byte & 63)) == 0 { return false }
        }
        return true
    }
}

/// Method names as Swift strings, built once from http-parser's table.
enum HTTPMethods {
    static let names: [String] = (0..<64).map { index in
        guard let name = http_method_str(http_method(rawValue: UInt32(index))) else { return "" }
        return String(cString: name)
    }

    static func name(_ index: Int) -> String {
        index < names.count ? names[index] : "UNKNOWN"
    }
}
