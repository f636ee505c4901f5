import Foundation
import Glibc
import SokoTesting

/// A one-thread HTTP/1.1 receiver on 127.0.0.1 that answers every request `200 {}` and hands each
/// request's head and body to ``received``: the platform's webhook endpoint, as far as the sandbox
/// can tell.
final class LoopbackReceiver: @unchecked Sendable {
    struct Request: Sendable {
        var head: String
        var body: [UInt8]

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    let port: Int
    let received: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation
    private let listener: Int32

    init() throws {
        let (listener, port) = try LoopbackPort.listener(backlog: 16)
        self.listener = listener
        self.port = port
        let (received, continuation) = AsyncStream<Request>.makeStream()
        self.received = received
        self.continuation = continuation
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { break }
                if let request = Self.read(connection) { continuation.yield(request) }
                let answer =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                _ = answer.withCString { write(connection, $0, strlen($0)) }
                close(connection)
            }
            continuation.finish()
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func read(_ connection: Int32) -> Request? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            let count = Glibc.read(connection, &buffer, buffer.count)
            guard count > 0 else { return nil }
            bytes.append(contentsOf: buffer[0..<count])
            guard let end = bytes.firstRange(of: separator) else { continue }
            let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            let request = Request(head: head, body: [])
            let length = Int(request.header("Content-Length") ?? "0") ?? 0
            if bytes.count - end.upperBound >= length {
                return Request(head: head, body: Array(bytes[end.upperBound..<(end.upperBound + length)]))
            }
        }
    }
}
