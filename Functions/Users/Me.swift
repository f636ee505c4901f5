import SokoFunctions

/// `GET /users/me` → the caller's profile.
enum Me: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> UserProfile {
        guard let subject = context.identity?.subject, let user = try await User.find(id: subject, in: context.store) else {
            throw FunctionError.notFound("no such user", code: "user-not-found")
        }
        return user.profile
    }
}
