/// A request the transport refuses before it reaches a handler.
///
/// The host turns each case into a problem+json response (see ``HTTPRequestHandler``); the
/// connection is closed after it, since the stream can no longer be trusted or was abandoned.
public enum HTTPRequestError: Error, Sendable, Equatable {
    /// Bytes that are not HTTP/1.x (http-parser's reason in the payload).
    case malformed(String)
    /// Request line and headers over the limit.
    case headersTooLarge(limit: Int)
    /// A body larger than the function accepts.
    case bodyTooLarge(limit: Int)
    /// The head did not arrive within the header timeout (or the body stalled).
    case timeout
    /// `Content-Length` together with `Transfer-Encoding`, or differing `Content-Length`s.
    case ambiguousLength(String)
    /// An `Expect` other than `100-continue`.
    case expectationFailed(String)
    /// A well-formed method token this server does not know (RFC 9110 §9.1: 501).
    case methodNotImplemented(String)

    /// The status code the host answers with.
    public var status: Int {
        switch self {
        case .malformed, .ambiguousLength: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .timeout: 408
        case .expectationFailed: 417
        case .methodNotImplemented: 501
        }
    }
}

extension HTTPRequestHandler {
    /// Default rendering of a transport error; the host overrides it with problem+json.
    public func response(for error: HTTPRequestError) -> HTTPResponse {
        HTTPResponse(
            status: error.status, headers: ["Content-Type": "text/plain"],
            body: Array(HTTPStatus.reason(error.status).utf8))
    }
}
