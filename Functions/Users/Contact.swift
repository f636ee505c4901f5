import Contracts
import SokoFunctions

/// `contact` — POST /internal/users/contact (service): where to write to a user, for the
/// notifications service to address order emails. 404 `user-not-found` for an unknown id.
enum Contact: Function {
    static func run(_ input: UserReference, context: FunctionContext) async throws -> UserContact {
        guard !input.userID.isEmpty else {
            throw FunctionError.validation([FieldError(field: "user_id", message: "is required")])
        }
        // No user id holds a control character (and PostgreSQL text cannot hold NUL).
        guard !input.userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
            let user = try await User.find(id: input.userID, in: context.store)
        else { throw FunctionError.notFound("no such user", code: "user-not-found") }
        return UserContact(userID: user.id, email: user.email, name: user.name)
    }
}
