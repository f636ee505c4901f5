/// The way back to the connection a request came from.
///
/// Answer exactly once, from any thread: off the loop the response is handed to the owning loop
/// with `uv_async_send`; on it, it is written at once. Later answers are ignored.
public struct HTTPResponder: Sendable {
    let connection: HTTPConnection
    let sequence: Int
    /// The loop that owns the connection; a request's task should prefer its executor.
    public let loop: EventLoop

    public func respond(_ response: HTTPResponse) {
        let connection = self.connection
        let sequence = self.sequence
        if loop.inEventLoop {
            connection.complete(sequence: sequence, response: response)
        } else {
            loop.execute { connection.complete(sequence: sequence, response: response) }
        }
    }
}
