import SokoFunctions
import SokoHTTP

/// The one place where errors become RFC 9457 `application/problem+json` responses.
enum ProblemRendering {
    static func response(_ problem: Problem, requestID: String, headers extra: HTTPHeaders = HTTPHeaders()) -> FunctionResponse {
        var problem = problem
        problem.requestID = requestID
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        for field in extra { headers.add(field.name, field.value) }
        let body = (try? JSONCoding.encode(problem)) ?? Array(#"{"title":"Internal Server Error","status":500}"#.utf8)
        return FunctionResponse(status: problem.status, headers: headers, body: body)
    }

    /// Maps anything a handler throws. Unknown errors are 500 with no internals in the body
    /// (the log line has them).
    static func response(for error: Error, requestID: String, logger: Logger) -> FunctionResponse {
        if let convertible = error as? ProblemConvertible {
            return response(convertible.problem, requestID: requestID, headers: convertible.headers)
        }
        if error is CancellationError {
            return response(
                Problem(status: 504, code: "timeout", detail: "the function did not finish in time"),
                requestID: requestID)
        }
        switch error as? StoreError {
        case .invalidValue:
            // Text the database cannot store (a NUL character) came from the request.
            return response(
                Problem(
                    status: 422, code: "invalid-value",
                    detail: "a value in the request contains a character that cannot be stored"),
                requestID: requestID)
        case .busy:
            logger.warning("store busy", metadata: ["error": "\(String(reflecting: error))"])
            return response(
                Problem(status: 503, code: "store-busy", detail: "the service is busy; retry shortly"), requestID: requestID,
                headers: ["Retry-After": "1"])
        default:
            break
        }
        logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
        return response(
            Problem(status: 500, code: "internal", detail: "the function failed; the request id identifies it in the logs"),
            requestID: requestID)
    }

    /// Transport refusals (malformed, too large, timeout, smuggling).
    static func response(for error: HTTPRequestError, requestID: String) -> FunctionResponse {
        let problem: Problem
        switch error {
        case .malformed(let reason):
            problem = Problem(status: 400, code: "malformed-request", detail: "the request is not valid HTTP/1.1: \(reason)")
        case .methodNotImplemented(let method):
            problem = Problem(
                status: 501, code: "method-not-implemented", detail: "this server does not implement the method \(method)")
        case .headersTooLarge(let limit):
            problem = Problem(status: 431, code: "headers-too-large", detail: "request line and headers exceed \(limit) bytes")
        case .bodyTooLarge(let limit):
            problem = Problem(
                status: 413, code: "body-too-large", detail: "the request body exceeds this function's limit of \(limit) bytes")
        case .timeout:
            problem = Problem(status: 408, code: "request-timeout", detail: "the request was not received in time")
        case .ambiguousLength(let reason):
            problem = Problem(status: 400, code: "ambiguous-length", detail: "conflicting message framing: \(reason)")
        case .expectationFailed(let value):
            problem = Problem(status: 417, code: "expectation-failed", detail: "unsupported Expect: \(value)")
        }
        return response(problem, requestID: requestID)
    }
}
