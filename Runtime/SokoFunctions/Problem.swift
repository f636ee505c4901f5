/// An RFC 9457 problem document (`application/problem+json`).
public struct Problem: Sendable, Equatable, Encodable {
    /// A URI naming the kind of problem: `urn:soko:problem:<code>`.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Stable machine-readable code (also the last part of `type`).
    public var code: String
    /// Per-field validation messages, when the input was at fault.
    public var errors: [FieldError]?
    /// The request id, so a user's report can be found in the logs.
    public var requestID: String?

    public init(status: Int, code: String, title: String? = nil, detail: String, errors: [FieldError]? = nil) {
        self.type = "urn:soko:problem:\(code)"
        self.title = title ?? HTTPStatus.reason(status)
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, errors
        case requestID = "request_id"
    }
}

/// One invalid input field: a JSON path such as `items[2].quantity` and what is wrong with it.
public struct FieldError: Sendable, Equatable, Codable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// An error that knows its HTTP problem. Bundle error types conform; the host renders them.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
    /// Extra response headers (for instance `Retry-After`, `WWW-Authenticate`).
    var headers: HTTPHeaders { get }
}

extension ProblemConvertible {
    public var headers: HTTPHeaders { HTTPHeaders() }
}

/// A ready-made problem to throw from a handler.
///
/// ```swift
/// throw FunctionError.notFound("no product \(id)")
/// ```
public struct FunctionError: ProblemConvertible, Equatable {
    public var problem: Problem
    public var headers: HTTPHeaders

    public init(
        status: Int, code: String, detail: String, errors: [FieldError]? = nil,
        headers: HTTPHeaders = HTTPHeaders()
    ) {
        problem = Problem(status: status, code: code, detail: detail, errors: errors)
        self.headers = headers
    }

    public static func badRequest(_ detail: String, code: String = "bad-request") -> FunctionError {
        FunctionError(status: 400, code: code, detail: detail)
    }
    public static func unauthorized(_ detail: String, code: String = "unauthorized") -> FunctionError {
        FunctionError(status: 401, code: code, detail: detail)
    }
    public static func forbidden(_ detail: String, code: String = "forbidden") -> FunctionError {
        FunctionError(status: 403, code: code, detail: detail)
    }
    public static func notFound(_ detail: String, code: String = "not-found") -> FunctionError {
        FunctionError(status: 404, code: code, detail: detail)
    }
    public static func conflict(_ detail: String, code: String = "conflict") -> FunctionError {
        FunctionError(status: 409, code: code, detail: detail)
    }
    public static func validation(_ errors: [FieldError], detail: String = "the request has invalid fields") -> FunctionError {
        FunctionError(status: 422, code: "validation-failed", detail: detail, errors: errors)
    }
}
