/// Turns a request body into a typed handler's input, with errors users can act on.
enum TypedInput {
    static func decode<Input: Decodable>(_ type: Input.Type, from request: FunctionRequest) throws -> Input {
        if Input.self == NoInput.self { return NoInput() as! Input }
        if request.body.isEmpty {
            throw FunctionError(status: 400, code: "body-required", detail: "this endpoint needs a JSON request body")
        }
        do {
            return try JSONCoding.decode(Input.self, from: request.body)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONCoding.decode(JSONValue.self, from: request.body)) != nil
            {
                // Valid JSON the decoder still refused without naming a field: a number that does
                // not fit the field (a fraction, or past 64 bits). The input's fault: 422.
                throw FunctionError(
                    status: 422, code: "validation-failed",
                    detail: "a number in the body is not a whole number in range (\(context.debugDescription))")
            }
            throw DecodingProblem(error)
        }
    }
}

/// A body that is not valid JSON (400) or not the expected shape (422), with the field named.
struct DecodingProblem: ProblemConvertible {
    let problem: Problem

    init(_ error: DecodingError) {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            problem = Problem(status: 400, code: "malformed-json", detail: "the request body is not valid JSON")
        case .dataCorrupted(let context):
            problem = Self.field(context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            problem = Self.field(context.codingPath + [key], "is required")
        case .typeMismatch(let type, let context):
            problem = Self.field(context.codingPath, "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            problem = Self.field(context.codingPath, "must be \(Self.describe(type)), not null")
        @unknown default:
            problem = Problem(status: 400, code: "malformed-json", detail: "the request body could not be read")
        }
    }

    private static func field(_ path: [CodingKey], _ message: String) -> Problem {
        let name = Self.path(path)
        return Problem(
            status: 422, code: "validation-failed", detail: "\(name.isEmpty ? "the body" : name) \(message)",
            errors: [FieldError(field: name, message: message)])
    }

    static func path(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "\(type)"
        }
    }
}
