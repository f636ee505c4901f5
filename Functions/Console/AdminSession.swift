import SokoFunctions

/// `GET /admin/session` (admin) → `{subject}`: the console's gate. Every console page calls it with
/// the browser's token; the host answers 401 or 403 before this runs unless the token is valid and
/// carries the admin role, so the pages need no token handling of their own.
enum AdminSession: Function {
    struct Output: Encodable, Sendable {
        var subject: String
    }

    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Output {
        guard let identity = context.identity else { throw FunctionError.unauthorized("sign in as an admin") }
        return Output(subject: identity.subject)
    }
}
