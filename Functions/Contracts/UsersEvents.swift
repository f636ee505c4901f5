import SokoFunctions

/// The events the users service writes.
public enum UsersEvents {
    /// An account was created (the welcome email's trigger); the payload is the new user's
    /// contact, as `users.contact` answers it.
    public static let registered = EventContract<UserContact>("user.registered")
    /// The account proved it owns its email address (the verification link was used); the payload
    /// names the account and the address. Orders gives the address's guest orders to the account.
    public static let emailVerified = EventContract<UserContact>("user.email_verified")
}
