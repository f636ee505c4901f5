import SokoFunctions
import SokoOutbound

extension RemoteInvoker {
    /// One ``RouteCall`` over HTTP to an instance of `service.function`'s unit, with the call's own
    /// headers (the client's bearer token, never the service token) and the caller's time left. Not
    /// retried: the call acts for a client whose request may not be idempotent.
    func call(
        service: String, function: String, method: String, target: String, headers: HTTPHeaders, body: [UInt8],
        deadline: ContinuousClock.Instant
    ) async throws -> FunctionResponse {
        let unit = targets["\(service).\(function)"]?.unit ?? service
        var configured = directory.url(of: unit) ?? directory.url(of: service)
        if configured == nil, let consul { configured = await consul.resolve(unit) }
        guard let base = configured else {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(
                    status: 503, code: "service-unreachable",
                    detail: "\(service).\(function) is not served by this process and \(ServiceDirectory.variable(unit)) is not set"))
        }
        do {
            let response = try await outbound.send(
                OutgoingRequest(method: method, url: base + target, headers: headers, body: body, idempotent: false),
                deadline: deadline)
            var answer = HTTPHeaders()
            for (name, value) in response.headers where Self.passedBack(name) { answer.add(name, value) }
            return FunctionResponse(status: response.status, headers: answer, body: response.body)
        } catch let error as OutgoingError where error.kind == .timeout {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(status: 504, code: "deadline-exceeded", detail: "\(service).\(function) did not answer in time"))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw InvocationError(
                service: service, function: function,
                problem: Problem(status: 502, code: "service-unreachable", detail: "\(service).\(function): \(error)"))
        }
    }

    /// The callee's headers a caller may read (content type, `Location`, its own `X-…` fields such
    /// as `X-Cart-Token`); hop-by-hop and framing headers stay with the connection.
    private static func passedBack(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "content-type" || lower == "location" || lower == "retry-after" || lower.hasPrefix("x-")
    }
}
