import Foundation
import Glibc
import SokoTesting

/// A blocking HTTP/1.1 client over a plain socket, for speaking exact bytes to the host.
/// Every read has a timeout, so a test fails instead of hanging.
final class RawClient: @unchecked Sendable {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    enum Failure: Error { case connect(Int32), closed, timeout, malformed(String) }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, address host: String = "127.0.0.1", timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if status != 0 {
            let code = errno
            close(fd)
            throw Failure.connect(code)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends a request with a correct Content-Length for `body`.
    func send(_ method: String, _ target: String, body: String, headers: String = "") {
        send("\(method) \(target) HTTP/1.1\r\nHost: x\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }

    /// Reads one response on a thread of its own, so that waiting never starves the
    /// concurrency pool that the rest of the test (and a draining host) needs.
    func readResponse(head: Bool = false) async throws -> Response {
        try await Blocking.run { try self.readResponseBlocking(head: head) }
    }

    /// True when the server closes the connection (EOF) within the read timeout.
    func isClosedByServer() async -> Bool {
        (try? await Blocking.run { self.isClosedByServerBlocking() }) ?? false
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads more bytes; false on EOF or error.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
        if n > 0 { buffer.append(contentsOf: chunk[..<n]); return true }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure.timeout }
        return false
    }

    /// Reads one response; `head` tells whether it answers a HEAD request (no body).
    func readResponseBlocking(head: Bool = false) throws -> Response {
        var headerEnd: Int? = nil
        while headerEnd == nil {
            headerEnd = find([13, 10, 13, 10])
            if headerEnd == nil { guard try fill() else { throw Failure.closed } }
        }
        let headText = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.malformed(headText) }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        let response = Response(status: status, headers: headers, body: [])
        if head || status == 100 || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            while buffer.count < length { guard try fill() else { throw Failure.closed } }
            var result = response
            result.body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return result
        }
        while try fill() {}
        var result = response
        result.body = buffer
        buffer = []
        return result
    }

    /// True when the server closed the connection (EOF) before `timeout`.
    func isClosedByServerBlocking() -> Bool {
        if !buffer.isEmpty { return false }
        do { return try !fill() } catch { return false }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] {
            if Array(buffer[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

extension RawClient {
    /// Half-closes: the server sees EOF after what was sent.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Sends `bytes` without blocking until the peer stops taking them (no progress for
    /// `patience`), or `limit` bytes went out. Returns the bytes sent.
    func sendUntilBlocked(_ bytes: [UInt8], limit: Int, patience: Int32 = 500) -> Int {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        var sent = 0
        while sent < limit {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, patience) <= 0 { break }  // the server stopped reading
        }
        return sent
    }
}
