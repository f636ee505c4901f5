import SokoFunctions

/// The users service's internal functions other services call.
public enum UsersContract {
    /// Where to write to a user (404 `user-not-found` for an unknown id).
    public static let contact = Contract<UserReference, UserContact>(service: "users", function: "contact", idempotent: true)
}

/// The body of a call about one user (`{user_id}`).
public struct UserReference: Codable, Sendable, Equatable {
    public var userID: String

    public init(userID: String) { self.userID = userID }

    enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

/// What `users.contact` answers, and the payload of `user.registered`.
public struct UserContact: Codable, Sendable, Equatable {
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
