import SokoFunctions
import SokoManifest

/// ``RouteCall``s: another function's HTTP route called on behalf of the caller's own client.
///
/// A callee served here runs through ``run(_:)`` as an HTTP request would — identity from the call's
/// bearer token, its `auth:`, `scopes:` and `rateLimit:`, its cap and timeout — with the caller's
/// request id, client address and deadline. Any other goes to its unit over HTTP with the call's
/// own headers (no service token: the callee must see the client, not the calling service).
extension InvocationPipeline: RouteInvoker {
    func call(service: String, function: String, _ call: RouteCall, caller: FunctionContext) async throws
        -> FunctionResponse
    {
        let key = "\(service).\(function)"
        guard let route = services.remote.targets[key]?.route else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(status: 500, code: "not-invocable", detail: "\(key) has no HTTP route"))
        }
        var headers = call.headers
        headers.set("X-Request-ID", caller.requestID)
        if !call.body.isEmpty && !headers.contains("Content-Type") { headers.set("Content-Type", "application/json") }
        guard let runtime = local[key] else {
            return try await services.remote.call(
                service: service, function: function, method: route.method, target: call.target(route.path),
                headers: headers, body: call.body, deadline: caller.deadline)
        }
        let request = FunctionRequest(
            method: route.method, path: String(call.target(route.path).prefix { $0 != "?" }),
            query: QueryParameters(call.query), headers: headers, pathParameters: call.pathParameters, body: call.body,
            clientAddress: caller.request.clientAddress)
        return await run(
            Invocation(
                function: runtime, trigger: .http, request: request, requestID: caller.requestID, deadline: caller.deadline))
    }
}
