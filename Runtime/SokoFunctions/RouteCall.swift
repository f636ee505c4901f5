/// A call of another function's HTTP route on behalf of the caller's own client: the route's
/// method, its path parameters, a query, the headers the client would send (its
/// `Authorization: Bearer`, …) and a body.
///
/// What a web page uses to act for the signed-in shopper: unlike ``FunctionContext/invoke(_:_:_:as:idempotent:)``
/// (the calling *service* as the identity), the callee checks the bearer token in `headers` exactly as
/// it checks an outside request — its `auth:`, `scopes:` and `rateLimit:` apply to that client.
public struct RouteCall: Sendable {
    public var pathParameters: [String: String]
    public var query: [(String, String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        pathParameters: [String: String] = [:], query: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.pathParameters = pathParameters
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// `template` (`/orders/{id}`) with each `{name}` replaced by its percent-encoded value (an
    /// absent one stays empty), then the query.
    public func target(_ template: String) -> String {
        var path = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            path += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            path += FormEncoding.encode(pathParameters[name] ?? "").replacing("+", with: "%20")
            rest = rest[rest.index(after: close)...]
        }
        path += rest
        return query.isEmpty ? path : path + "?" + FormEncoding.encode(query)
    }
}

/// An invoker that can also make a ``RouteCall``: the host's pipeline runs it in-process like an
/// HTTP request (identity from its bearer token), or sends it to the callee's unit over HTTP as is,
/// without a service token.
public protocol RouteInvoker: FunctionInvoker {
    /// Calls `service.function`'s first HTTP route with `call`; the callee's answer, whatever its
    /// status. Throws ``InvocationError`` when the callee cannot be reached or has no HTTP route.
    func call(service: String, function: String, _ call: RouteCall, caller: FunctionContext) async throws
        -> FunctionResponse
}

extension FunctionContext {
    /// Calls `service.function`'s HTTP route on behalf of this request's client (see ``RouteCall``).
    /// A 4xx/5xx comes back as a response for the caller to read (a web page shows it as a
    /// message); an unreachable callee throws ``InvocationError``.
    public func call(_ service: String, _ function: String, _ call: RouteCall) async throws -> FunctionResponse {
        guard let invoker = invoker as? any RouteInvoker else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(
                    status: 503, code: "invocation-unavailable", detail: "this context cannot call other functions' routes"))
        }
        return try await invoker.call(service: service, function: function, call, caller: self)
    }
}
