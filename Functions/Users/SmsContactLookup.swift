import Contracts
import SokoFunctions

/// `smsContact` — POST /internal/users/sms-contact (service): where to text a user and whether
/// they want texts, for the notifications service's SMS. 404 `user-not-found` for an unknown id.
enum SmsContactLookup: Function {
    static let name = "smsContact"

    static func run(_ input: UserReference, context: FunctionContext) async throws -> SmsContact {
        guard !input.userID.isEmpty,
            !input.userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
            let user = try await User.find(id: input.userID, in: context.store)
        else { throw FunctionError.notFound("no such user", code: "user-not-found") }
        return SmsContact(userID: user.id, name: user.name, phone: user.phone, smsOptIn: !user.smsOptOut)
    }
}
