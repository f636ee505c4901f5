/// The way back to the connection a request came from.
///
/// Answer exactly once, from any thread: off the loop the response is handed to the owning loop
/// with `uv_async_send`; on it, it is written at once. Later answers are ignored.
public struct HTTPResponder: Sendable {
    enum Target: @unchecked Sendable {
        case connection(HTTPConnection, sequence: Int)
        case callback(@Sendable (HTTPResponse) -> Void)
    }

    let target: Target
    /// The loop that owns the connection; a request's task should prefer its executor.
    public let loop: EventLoop

    init(connection: HTTPConnection, sequence: Int, loop: EventLoop) {
        target = .connection(connection, sequence: sequence)
        self.loop = loop
    }

    /// A responder with no socket behind it: `callback` gets the response on `loop`'s thread.
    /// Used to drive the host in-process (the testing library).
    public init(loop: EventLoop, callback: @escaping @Sendable (HTTPResponse) -> Void) {
        target = .callback(callback)
        self.loop = loop
    }

    public func respond(_ response: HTTPResponse) {
        let target = self.target
        if loop.inEventLoop {
            Self.deliver(response, to: target)
        } else {
            loop.execute { Self.deliver(response, to: target) }
        }
    }

    private static func deliver(_ response: HTTPResponse, to target: Target) {
        switch target {
        case .connection(let connection, let sequence): connection.complete(sequence: sequence, response: response)
        case .callback(let callback):
            var folded = response
            folded.headers = response.headersAsSent
            folded.requestID = nil
            callback(folded)
        }
    }
}
