import SokoFunctions

/// The events the users service writes.
public enum UsersEvents {
    /// An account was created (the welcome email's trigger); the payload is the new user's
    /// contact, as `users.contact` answers it.
    public static let registered = EventContract<UserContact>("user.registered")
}
