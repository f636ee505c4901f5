import SokoFunctions

/// A function's answer to a page's ``RouteCall``: its JSON on success, its problem otherwise.
public struct CallAnswer: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var succeeded: Bool { (200..<300).contains(status) }

    /// The JSON body as `type`; a failed call throws its problem (the page shows it or gives up).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        guard succeeded else { throw problem }
        do {
            return try JSONCoding.decode(type, from: body)
        } catch {
            throw CallProblem(status: 502, code: "bad-upstream-answer", detail: "the shop answered something unreadable", fields: [])
        }
    }

    /// The callee's problem: what to tell the shopper (its detail and field messages).
    public var problem: CallProblem {
        struct Wire: Decodable {
            var code: String?
            var detail: String?
            var errors: [FieldError]?
        }
        let wire = try? JSONCoding.decode(Wire.self, from: body)
        return CallProblem(
            status: status, code: wire?.code ?? "error", detail: wire?.detail ?? "something went wrong (\(status))",
            fields: wire?.errors ?? [])
    }
}

/// What went wrong in a call, in words a page can show. Thrown out of a page handler it becomes
/// that status as problem+json (``ProblemConvertible``); pages usually catch it and show a message.
public struct CallProblem: Error, Sendable, ProblemConvertible {
    public var status: Int
    public var code: String
    public var detail: String
    public var fields: [FieldError]

    public init(status: Int, code: String, detail: String, fields: [FieldError] = []) {
        self.status = status
        self.code = code
        self.detail = detail
        self.fields = fields
    }

    /// The detail followed by each field's message: `Password: must be at least 8 characters`.
    public var message: String {
        fields.isEmpty ? detail : fields.map { "\($0.field.replacing("_", with: " ")): \($0.message)" }.joined(separator: "; ")
    }

    public var problem: Problem { Problem(status: status, code: code, detail: detail, errors: fields.isEmpty ? nil : fields) }
}
