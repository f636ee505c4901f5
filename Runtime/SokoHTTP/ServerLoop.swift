internal import CHTTPParser
internal import CUV

/// The server's state on one loop: its listening socket and its connections.
final class ServerLoop: @unchecked Sendable {
    let loop: EventLoop
    let configuration: ServerConfiguration
    /// The configuration's timeouts in milliseconds, converted once (`Duration`'s 128-bit
    /// arithmetic cost ~300 instructions each time a request armed a timer).
    let idleMilliseconds: UInt64
    let headerMilliseconds: UInt64
    let bodyMilliseconds: UInt64
    let lingerMilliseconds: UInt64
    let handler: HTTPRequestHandler
    var settings: http_parser_settings
    var serializer = ResponseSerializer()
    var draining = false
    private var listener: UnsafeMutablePointer<uv_tcp_t>?
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var onEmpty: (() -> Void)?
    /// Read buffer shared by every connection of the loop: bytes are consumed inside the read
    /// callback, so one buffer serves them all and an idle connection holds no buffer.
    static let readBufferSize = 64 * 1024
    let readBuffer = UnsafeMutableRawPointer.allocate(byteCount: ServerLoop.readBufferSize, alignment: 16)
    /// The bytes one flush writes, shared by every connection of the loop: `write` sends or copies
    /// them before the flush returns, so the buffer is reused rather than allocated per response.
    var writeBuffer: [UInt8] = []
    /// Largest write buffer kept for reuse (a larger one, for a large body, is let go).
    static let writeBufferLimit = 64 * 1024

    init(loop: EventLoop, configuration: ServerConfiguration, handler: HTTPRequestHandler) {
        self.loop = loop
        self.configuration = configuration
        idleMilliseconds = configuration.idleTimeout.milliseconds
        headerMilliseconds = configuration.headerTimeout.milliseconds
        bodyMilliseconds = configuration.bodyTimeout.milliseconds
        lingerMilliseconds = configuration.lingerTimeout.milliseconds
        self.handler = handler
        settings = HTTPParserCallbacks.makeSettings()
    }

    deinit { readBuffer.deallocate() }

    var connectionCount: Int { connections.count }

    static let allocate: uv_alloc_cb = { handle, _, buffer in
        // Borrowed, not retained: the connection and its server outlive the read.
        HTTPConnection.with(handle!.pointee.data) { connection in
            buffer!.pointee = uv_buf_init(
                connection.server.readBuffer.assumingMemoryBound(to: CChar.self),
                UInt32(ServerLoop.readBufferSize))
        }
    }

    /// Listens on `fd` (already bound, `SO_REUSEPORT`). Call on the loop thread.
    func listen(fd: Int32) throws(ServerError) {
        let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.uv, tcp)
        tcp.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        var status = uv_tcp_open(tcp, uv_os_sock_t(fd))
        if status == 0 {
            status = uv_listen(stream(tcp), Int32(configuration.backlog)) { server, status in
                guard status == 0 else { return }
                Unmanaged<ServerLoop>.fromOpaque(server!.pointee.data).takeUnretainedValue().accept()
            }
        }
        listener = tcp
        if status != 0 {
            throw ServerError.listen(String(cString: uv_strerror(status)))
        }
    }

    private func accept() {
        guard let listener else { return }
        let connection = HTTPConnection(server: self)
        if uv_accept(stream(listener), stream(connection.tcp)) != 0 {
            connection.close()
            return
        }
        connections[ObjectIdentifier(connection)] = connection
        if draining {
            connection.close()
            return
        }
        connection.start()
    }

    func remove(_ connection: HTTPConnection) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
        if connections.isEmpty, let onEmpty {
            self.onEmpty = nil
            onEmpty()
        }
    }

    /// Stops accepting, closes idle connections and lets busy ones finish; `done` runs when the
    /// last connection has closed.
    func beginDrain(_ done: @escaping () -> Void) {
        draining = true
        closeListener()
        // Nothing in flight and no body being read: close now. The rest close after their answer.
        for connection in Array(connections.values)
        where connection.slots.isEmpty && connection.pendingWrites == 0 && connection.phase != .body {
            connection.close()
        }
        if connections.isEmpty { done() } else { onEmpty = done }
    }

    /// Closes every connection now (the drain deadline passed).
    func closeAll() {
        closeListener()
        for connection in Array(connections.values) { connection.close() }
    }

    private func closeListener() {
        guard let listener else { return }
        self.listener = nil
        uv_close(handle(listener)) { handle in handle!.deallocate() }
    }
}

/// Why the server could not start.
public enum ServerError: Error, CustomStringConvertible {
    case address(String)
    case bind(String)
    case listen(String)

    public var description: String {
        switch self {
        case .address(let m): "invalid address: \(m)"
        case .bind(let m): "cannot bind: \(m)"
        case .listen(let m): "cannot listen: \(m)"
        }
    }
}
