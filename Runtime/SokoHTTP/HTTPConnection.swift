internal import CHTTPParser
internal import CUV

/// One accepted TCP connection: reads bytes, feeds http-parser, dispatches complete requests and
/// writes their responses in request order. Lives on one loop; freed in its close callback.
final class HTTPConnection: @unchecked Sendable {
    enum Phase { case idle, head, body, closing }

    /// What the connection must remember about a dispatched request until its response is written.
    struct Slot {
        var isHead: Bool
        var keepAlive: Bool
        var http10: Bool
        var response: HTTPResponse?
    }

    let tcp: UnsafeMutablePointer<uv_tcp_t>
    let timer: UnsafeMutablePointer<uv_timer_t>
    let parser: UnsafeMutablePointer<http_parser>
    /// The server loop outlives its connections (it closes them all before it goes away).
    unowned(unsafe) let server: ServerLoop
    /// The loop's libuv handle, for the clock reads of every timer change (through `server.loop`
    /// each read retained and released the server and the loop).
    let uvLoop: UnsafeMutablePointer<uv_loop_t>

    var phase = Phase.idle
    // The request being parsed.
    // Small at first (an idle connection holds them); each doubles as its client needs, once.
    var url = ParseBuffer(capacity: 64)
    var field = ParseBuffer(capacity: 32)
    var value = ParseBuffer(capacity: 64)
    var fields: [(name: String, value: String)] = []
    /// The previous request's header fields and target. A keep-alive client repeats most of
    /// them byte for byte (`Host`, `User-Agent`, `Accept`, cookies, often the path): a field or
    /// target that matches is taken from here instead of being validated and decoded again.
    var previousFields: [(name: String, value: String)] = []
    var previousTarget = RequestTarget("")
    var readingValue = false
    var body: [UInt8] = []
    var head: HTTPRequestHead?
    var plan: HTTPRequestPlan?
    var contentLengths: [String] = []
    var sawTransferEncoding = false
    /// How many `Host` fields, and the first `Expect`, of the request being parsed.
    var hostFields = 0
    var expect: String?
    var rejection: HTTPRequestError?
    // Ordering of responses.
    var slots: [Slot] = []
    var firstSequence = 0
    var pendingWrites = 0
    var stopReading = false
    var paused = false
    var leftover: [UInt8] = []
    var closed = false
    /// The current deadline and the one the libuv timer is set for, in loop milliseconds (0: none).
    var timerDeadline: UInt64 = 0
    var timerArmedFor: UInt64 = 0
    /// When the body of the request being read must be complete (loop milliseconds).
    var bodyDeadline: UInt64 = 0
    /// The client half-closed: close once the responses in flight are written.
    var closeWhenFlushed = false

    init(server: ServerLoop) {
        self.server = server
        uvLoop = server.loop.uv
        tcp = .allocate(capacity: 1)
        timer = .allocate(capacity: 1)
        parser = .allocate(capacity: 1)
        uv_tcp_init(uvLoop, tcp)
        uv_timer_init(uvLoop, timer)
        http_parser_init(parser, HTTP_REQUEST)
        let me = Unmanaged.passRetained(self).toOpaque()
        tcp.pointee.data = me
        timer.pointee.data = me
        parser.pointee.data = me
    }

    deinit {
        parser.deallocate()
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> HTTPConnection {
        Unmanaged<HTTPConnection>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// Calls `body` with the connection behind a handle's `data` without retaining it (the
    /// handle's own retain keeps it alive until the close callback).
    @inline(__always)
    static func with<R>(_ pointer: UnsafeMutableRawPointer?, _ body: (HTTPConnection) -> R) -> R {
        Unmanaged<HTTPConnection>.fromOpaque(pointer!)._withUnsafeGuaranteedRef(body)
    }

    var nextSequence: Int { firstSequence + slots.count }

    /// The peer's address, looked up on the first request that needs it (once per connection).
    lazy var peerAddress: String = {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getpeername(tcp, $0, &length) }
        }
        guard found == 0 else { return "" }
        var name = [CChar](repeating: 0, count: 64)
        withUnsafePointer(to: &storage) { pointer in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { _ = uv_ip6_name($0, &name, name.count) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { _ = uv_ip4_name($0, &name, name.count) }
            }
        }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Whether nothing is being read, run or written: safe to close during a drain.
    var isIdle: Bool { phase == .idle && slots.isEmpty && pendingWrites == 0 }

    // MARK: Reading

    func start() {
        uv_tcp_nodelay(tcp, 1)
        armTimer(milliseconds: server.idleMilliseconds)
        uv_read_start(
            stream(tcp), ServerLoop.allocate, HTTPConnection.onRead)
    }

    static let onRead: uv_read_cb = { handle, count, buffer in
        HTTPConnection.with(handle!.pointee.data) { connection in
            if count > 0 {
                connection.received(UnsafeRawBufferPointer(start: buffer!.pointee.base, count: count))
            } else if count == Int(UV_EOF.rawValue) {
                connection.peerFinished()
            } else if count < 0 {
                connection.close()
            }
        }
    }

    /// The client half-closed: answer what it already sent, then close. A request cut off
    /// mid-way, or nothing in flight, closes at once.
    func peerFinished() {
        guard phase == .idle, !slots.isEmpty, !closed else {
            close()
            return
        }
        stopReading = true
        closeWhenFlushed = true
        uv_read_stop(stream(tcp))
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        if phase == .closing {
            return  // lingering: discard until EOF or the linger timer
        }
        if stopReading { return }
        if paused {
            leftover.append(contentsOf: bytes)
            return
        }
        feed(bytes)
    }

    /// The method of a well-formed request line (`token SP target SP HTTP/1.x`) at the start of
    /// `bytes` — an unknown method rather than garbage; nil otherwise.
    static func methodToken(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = Array(bytes[..<end])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, (1...32).contains(parts[0].count), !parts[1].isEmpty,
            parts[2].starts(with: Array("HTTP/1.".utf8)), parts[2].count == 8
        else { return nil }
        let extra: Set<UInt8> = Set("!#$%&'*+-.^_`|~".utf8)
        let isToken = parts[0].allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || extra.contains($0)
        }
        return isToken ? String(decoding: parts[0], as: UTF8.self) : nil
    }

    func feed(_ bytes: UnsafeRawBufferPointer) {
        if phase == .idle {
            phase = .head
            armTimer(milliseconds: server.headerMilliseconds)
        } else if phase == .body {
            armBodyTimer()
        }
        let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
        let parsed = http_parser_execute(parser, &server.settings, base, bytes.count)
        if closed { return }  // a request was answered and the connection closed inside the parser
        let errno = http_errno(rawValue: parser.pointee.http_errno)
        if errno == HPE_PAUSED {
            if parsed < bytes.count, !stopReading {
                leftover.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[parsed...]))
            }
            if !stopReading { uv_read_stop(stream(tcp)) }
            return
        }
        if let rejection {
            reject(rejection)
        } else if errno != HPE_OK {
            if errno == HPE_HEADER_OVERFLOW {
                reject(.headersTooLarge(limit: server.configuration.maxHeaderBytes))
            } else if errno == HPE_UNEXPECTED_CONTENT_LENGTH {
                reject(.ambiguousLength("both Content-Length and Transfer-Encoding, or repeated Content-Length"))
            } else if errno == HPE_INVALID_METHOD, let method = Self.methodToken(bytes) {
                // http-parser knows a fixed list of methods; any other token is still HTTP.
                reject(.methodNotImplemented(method))
            } else {
                reject(.malformed(String(cString: http_errno_description(errno))))
            }
        } else if parser.pointee.upgrade != 0 {
            // Protocol upgrades are not offered: answer the request, then close.
            stopReading = true
        } else if pendingWrites > 0 && !paused && !stopReading {
            // The client is not taking what was written: read no more until it does.
            paused = true
            uv_read_stop(stream(tcp))
        }
    }

    /// Answers a refused request in order (after earlier pipelined ones) and closes.
    func reject(_ error: HTTPRequestError) {
        stopReading = true
        rejection = nil
        let response = server.handler.response(for: error)
        slots.append(Slot(isHead: false, keepAlive: false, http10: false, response: response))
        phase = .idle
        clearTimer()
        flush()
    }

    // MARK: Dispatch

    func dispatch() {
        // Moved out, not copied: a copy of the head retains each of its strings once more.
        guard var head = self.head.take() else { return }
        head.contentLength = head.contentLength ?? (body.isEmpty ? nil : body.count)
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; close after it.
        let faultyFraming = head.versionMinor == 0 && head.headers.contains("Transfer-Encoding")
        let keepAlive =
            http_should_keep_alive(parser) != 0 && !server.draining && parser.pointee.upgrade == 0 && !faultyFraming
        let sequence = nextSequence
        slots.append(
            Slot(
                isHead: head.method.utf8.count == 4 && head.method == "HEAD", keepAlive: keepAlive,
                http10: head.versionMajor == 1 && head.versionMinor == 0, response: nil))
        // The body and the plan are moved out too (each copy was a retain, and its release when
        // the message was reset).
        var body: [UInt8] = []
        swap(&body, &self.body)
        let request = HTTPRequest(head: consume head, body: body)
        let plan = self.plan.take() ?? HTTPRequestPlan(bodyLimit: 0)
        resetMessage(dispatching: true)
        phase = .idle
        clearTimer()
        if !keepAlive {
            stopReading = true
            http_parser_pause(parser, 1)
        } else if slots.count >= server.configuration.maxPipelined || pendingWrites > 0 {
            paused = true
            http_parser_pause(parser, 1)
        }
        server.handler.handle(
            request, plan: plan,
            responder: HTTPResponder(connection: self, sequence: sequence, loop: server.loop))
    }

    /// Called twice per request (at dispatch and at the next message's start): the checks keep
    /// the second call, with everything already empty, nearly free.
    func resetMessage(dispatching: Bool = false) {
        url.removeAll()
        field.removeAll()
        value.removeAll()
        // At dispatch the request's headers still share the list: it is emptied at the next
        // message's start instead, when (the usual case) that request is done and the storage
        // is reused without an allocation.
        if !fields.isEmpty && !dispatching {
            // The list just read becomes the one to compare with; the older one is emptied for reuse.
            swap(&fields, &previousFields)
            // One at a time from the end: `removeAll(keepingCapacity:)` goes through
            // `replaceSubrange` (~200 instructions for a request's few fields).
            while !fields.isEmpty { fields.removeLast() }
        }
        readingValue = false
        if !body.isEmpty { body = [] }
        if head != nil { head = nil }
        if plan != nil { plan = nil }
        if !contentLengths.isEmpty { contentLengths.removeAll() }
        sawTransferEncoding = false
        hostFields = 0
        if expect != nil { expect = nil }
    }
}
