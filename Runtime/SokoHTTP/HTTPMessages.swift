/// The head of a request as read off the wire, before the body.
public struct HTTPRequestHead: Sendable {
    /// Upper-case method token (`GET`, `POST`, …).
    public var method: String
    /// The request target exactly as sent (origin-form `/path?query` in practice).
    public let target: String
    /// The target's path (before `?`). An absolute-form target (`http://host/path`) yields its
    /// path (RFC 9112 §3.2.2: servers accept absolute-form).
    public let path: Substring
    /// The raw query string (after `?`), or empty.
    public let query: Substring
    public var versionMajor: Int
    public var versionMinor: Int
    public var headers: HTTPHeaders
    /// The declared `Content-Length`, if any.
    public var contentLength: Int?
    /// Whether the body arrives with chunked transfer coding.
    public var isChunked: Bool
    /// The peer's IP address (the gateway's, behind a proxy).
    public var remoteAddress: String

    public init(
        method: String, target: String, versionMajor: Int = 1, versionMinor: Int = 1,
        headers: HTTPHeaders = HTTPHeaders(), contentLength: Int? = nil, isChunked: Bool = false,
        remoteAddress: String = ""
    ) {
        self.init(
            method: method, target: RequestTarget(target), versionMajor: versionMajor, versionMinor: versionMinor,
            headers: headers, contentLength: contentLength, isChunked: isChunked, remoteAddress: remoteAddress)
    }

    /// With the target already split (the connection reuses the previous request's when the
    /// bytes are the same).
    init(
        method: String, target: RequestTarget, versionMajor: Int, versionMinor: Int, headers: HTTPHeaders,
        contentLength: Int?, isChunked: Bool, remoteAddress: String
    ) {
        self.remoteAddress = remoteAddress
        self.method = method
        self.target = target.text
        path = target.path
        query = target.query
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.headers = headers
        self.contentLength = contentLength
        self.isChunked = isChunked
    }

    fileprivate static func split(_ target: String) -> (path: Substring, query: Substring) {
        var origin = target[...]
        if target.utf8.first != UInt8(ascii: "/"), let scheme = target.firstRange(of: "://") {
            let afterAuthority = target[scheme.upperBound...]
            origin = afterAuthority.utf8.firstIndex(of: UInt8(ascii: "/")).map { afterAuthority[$0...] } ?? "/"
        }
        // The `?` found in the contiguous bytes: `withUTF8` on a substring of a native string is
        // a pointer, where `utf8.firstIndex(of:)` walks an iterator and the view's
        // `withContiguousStorageIfAvailable` goes through `Slice` (~350 instructions).
        var bytes = origin
        let offset = bytes.withUTF8 { buffer -> Int? in
            for i in 0..<buffer.count where buffer[i] == UInt8(ascii: "?") { return i }
            return nil
        }
        guard let offset else { return (origin, "") }
        let q = origin.utf8.index(origin.startIndex, offsetBy: offset)
        return (origin[..<q], origin[origin.utf8.index(after: q)...])
    }
}

/// A request target as sent and split into its path and query.
struct RequestTarget {
    let text: String
    let path: Substring
    let query: Substring

    init(_ text: String) {
        self.text = text
        (path, query) = HTTPRequestHead.split(text)
    }
}

/// A complete request: head and body bytes.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }
}

/// A complete response. The transport adds `Date`, `Content-Length` and `Connection`.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Sent as `X-Request-ID` after `headers`, whose own `X-Request-ID` fields are then left out.
    /// Kept apart so the host's id goes out without copying a header list that handlers share
    /// (``HTTPResponder`` folds it into `headers` for a callback).
    public var requestID: String? {
        get { inlineRequestID?.string }
        set { inlineRequestID = newValue.map(RequestID.init) }
    }
    /// ``requestID`` as held: a generated id stays two numbers until it is written.
    public var inlineRequestID: RequestID?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], requestID: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.inlineRequestID = requestID.map(RequestID.init)
    }

    /// A response with an id as the host holds it (no `String` made for a generated one).
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], inlineRequestID: RequestID?) {
        self.status = status
        self.headers = headers
        self.body = body
        self.inlineRequestID = inlineRequestID
    }

    /// `headers` with `requestID` folded in, as it goes on the wire.
    public var headersAsSent: HTTPHeaders {
        guard let requestID else { return headers }
        var all = headers
        all.set("X-Request-ID", requestID)
        return all
    }
}

/// What the host decides once a request's head is read: how much body it may send.
public struct HTTPRequestPlan: @unchecked Sendable {
    /// Largest body accepted; a larger one is answered 413 without being read.
    public var bodyLimit: Int
    /// The host's own data for this request (for instance the matched route), handed back
    /// unchanged to ``HTTPRequestHandler/handle(_:plan:responder:)``. Touched on the loop only.
    public var context: AnyObject?

    public init(bodyLimit: Int, context: AnyObject? = nil) {
        self.bodyLimit = bodyLimit
        self.context = context
    }
}

/// The host side of the transport: it plans and answers requests.
///
/// Both methods are called on the loop thread that owns the connection and must not block.
public protocol HTTPRequestHandler: AnyObject, Sendable {
    /// Called when a request's head is complete, before any body byte is read.
    func plan(for head: HTTPRequestHead) -> HTTPRequestPlan
    /// Called when the whole request has been read. Answer exactly once through `responder`,
    /// from any thread; the response is handed back to the connection's loop.
    func handle(_ request: HTTPRequest, plan: HTTPRequestPlan, responder: HTTPResponder)
    /// The response to a request the transport refused (the connection closes after it).
    func response(for error: HTTPRequestError) -> HTTPResponse
}
