import SokoFunctions

/// The events the users service writes.
public enum UsersEvents {
    /// An account was created (the welcome email's trigger).
    public static let registered = EventContract<UserRegistered>("user.registered")
}

/// The payload of `user.registered`.
public struct UserRegistered: Codable, Sendable, Equatable {
    public var userID: String
    public var email: String
    public var name: String

    public init(userID: String, email: String, name: String) {
        self.userID = userID
        self.email = email
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case email, name
    }
}
