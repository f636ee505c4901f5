/// Socket-level settings of the HTTP server.
public struct ServerConfiguration: Sendable {
    /// Address to bind (`0.0.0.0`, `127.0.0.1`, `::`).
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from ``HTTPServer/port``).
    public var port: Int
    /// Request line plus headers larger than this get 431.
    public var maxHeaderBytes: Int
    /// Time allowed from a request's first byte to the end of its headers (and between body reads).
    public var headerTimeout: Duration
    /// Time allowed for a whole request body once the head is read.
    public var bodyTimeout: Duration
    /// Time an idle keep-alive connection is kept open (and a peer that reads nothing, when
    /// responses are waiting to be sent).
    public var idleTimeout: Duration
    /// Requests read ahead on one connection before reading pauses (pipelining depth).
    public var maxPipelined: Int
    /// Time a closing connection keeps draining unread input so the client sees the response.
    public var lingerTimeout: Duration
    /// `listen` backlog.
    public var backlog: Int

    public init(
        host: String = "0.0.0.0", port: Int = 8080, maxHeaderBytes: Int = 16 * 1024,
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60), idleTimeout: Duration = .seconds(75),
        maxPipelined: Int = 16, lingerTimeout: Duration = .seconds(2), backlog: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxPipelined = maxPipelined
        self.lingerTimeout = lingerTimeout
        self.backlog = backlog
    }
}
