internal import CHTTPParser
internal import CUV
import Glibc

/// An HTTP/1.1 server: one listening socket per loop (`SO_REUSEPORT`, so the kernel spreads
/// accepts across loops) and connections that stay on the loop that accepted them.
public final class HTTPServer: @unchecked Sendable {
    public let group: EventLoopGroup
    public let configuration: ServerConfiguration
    private var servers: [ServerLoop] = []
    /// The bound port (useful when the configuration asked for port 0).
    public private(set) var port: Int = 0

    public init(group: EventLoopGroup, configuration: ServerConfiguration, handler: HTTPRequestHandler) {
        self.group = group
        self.configuration = configuration
        servers = group.loops.map { ServerLoop(loop: $0, configuration: configuration, handler: handler) }
        http_parser_set_max_header_size(UInt32(configuration.maxHeaderBytes))
    }

    /// Binds and starts listening on every loop. The group must be started.
    public func start() async throws {
        let port = try Self.bindPort(host: configuration.host, port: configuration.port)
        defer { close(port.fd) }
        self.port = port.number
        do {
            for server in servers { try await listen(server, port: port.number) }
        } catch {
            // Loops already listening (and the one that failed, whose handle is open) stop again,
            // so that the group can shut down.
            for server in servers {
                await withCheckedContinuation { continuation in
                    server.loop.execute {
                        server.closeAll()
                        continuation.resume()
                    }
                }
            }
            throw error
        }
    }

    private func listen(_ server: ServerLoop, port: Int) async throws {
        let fd = try Self.bind(host: configuration.host, port: port)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            server.loop.execute {
                do throws(ServerError) {
                    try server.listen(fd: fd)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Number of open connections, summed over the loops.
    public func connectionCount() async -> Int {
        var total = 0
        for server in servers {
            total += await withCheckedContinuation { continuation in
                server.loop.execute { continuation.resume(returning: server.connectionCount) }
            }
        }
        return total
    }

    /// Stops accepting, closes idle connections, lets in-flight requests finish (their responses
    /// carry `Connection: close`) and returns when every connection is closed or `deadline` passed.
    /// Returns true when the drain finished before the deadline.
    @discardableResult
    public func drain(deadline: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { tasks in
            for server in servers {
                tasks.addTask {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                        server.loop.execute {
                            let finished = ResumeOnce(continuation)
                            let timer = LoopTimer(loop: server.loop, after: deadline) {
                                finished.resume(false)  // first: closing the last connection also reports
                                server.closeAll()
                            }
                            server.beginDrain {
                                timer.cancel()
                                finished.resume(true)
                            }
                        }
                    }
                }
            }
            var clean = true
            for await finished in tasks { clean = clean && finished }
            return clean
        }
    }

    // MARK: Sockets

    /// Binds a socket to learn the port (when 0 was asked) and holds it while the loops bind theirs.
    private static func bindPort(host: String, port: Int) throws -> (fd: Int32, number: Int) {
        let fd = try bind(host: host, port: port)
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let number = withUnsafeMutablePointer(to: &address) { pointer -> Int in
            _ = pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        return (fd, number)
    }

    static func bind(host: String, port: Int) throws -> Int32 {
        var storage = sockaddr_storage()
        let isIPv6 = host.contains(":")
        let parsed: Int32 = withUnsafeMutablePointer(to: &storage) { pointer in
            if isIPv6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { uv_ip6_addr(host, Int32(port), $0) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { uv_ip4_addr(host, Int32(port), $0) }
        }
        guard parsed == 0 else { throw ServerError.address(host) }
        let fd = socket(
            isIPv6 ? AF_INET6 : AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError.bind("socket() failed") }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size))
        let length = socklen_t(isIPv6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError.bind("\(host):\(port): \(reason)")
        }
        return fd
    }
}

/// Resumes a continuation on the first call only (a drain ends by timer or by the last close).
final class ResumeOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<Bool, Never>?
    init(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation = continuation }
    func resume(_ value: Bool) {
        continuation?.resume(returning: value)
        continuation = nil
    }
}
