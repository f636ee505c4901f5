import SokoFunctions

extension UsersContract {
    /// Where to text a user, and whether they want texts (404 `user-not-found`).
    public static let smsContact = Contract<UserReference, SmsContact>(service: "users", function: "smsContact", idempotent: true)
}

/// What `users.smsContact` answers: the user's phone (E.164, null when none is on file) and
/// whether they accept SMS notifications (they opt out with `PATCH /users/me`).
public struct SmsContact: Codable, Sendable, Equatable {
    public var userID: String
    public var name: String
    public var phone: String?
    public var smsOptIn: Bool

    public init(userID: String, name: String, phone: String?, smsOptIn: Bool) {
        self.userID = userID
        self.name = name
        self.phone = phone
        self.smsOptIn = smsOptIn
    }

    enum CodingKeys: String, CodingKey {
        case name, phone
        case userID = "user_id"
        case smsOptIn = "sms_opt_in"
    }
}
