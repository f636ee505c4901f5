import SokoFunctions

/// Account-recovery and verification events the users service writes for the notifications
/// service, and the call that turns one into a link.
///
/// The events carry no token: the outbox keeps its rows, so a token written there would sit in
/// plain text in the database. The mail consumer asks `users.accountLink` for a fresh token when
/// it composes the mail, and only the token's SHA-256 is stored.
public enum AccountEvents {
    /// Someone asked for a password reset for an existing account.
    public static let passwordResetRequested = EventContract<AccountLinkRequest>("user.password_reset_requested")
    /// An account's email address needs confirming (at registration, or a resend).
    public static let verificationRequested = EventContract<AccountLinkRequest>("user.verification_requested")
}

/// The users service's call for the account-link emails.
public enum AccountContract {
    /// Mints the token of a pending request (a new one on every call: only the latest mailed link
    /// works). 404 `link-request-not-found`; 410 `link-request-spent` once used or expired.
    public static let accountLink = Contract<AccountLinkRequest, AccountLink>(service: "users", function: "accountLink")
}

/// The payload of the account-link events and the body of `users.accountLink`.
public struct AccountLinkRequest: Codable, Sendable, Equatable {
    public var requestID: String
    public var userID: String

    public init(requestID: String, userID: String) {
        self.requestID = requestID
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case userID = "user_id"
    }
}

/// What `users.accountLink` answers: the one-time token to put in the link and whom to send it to.
public struct AccountLink: Codable, Sendable, Equatable {
    /// `password_reset` or `email_verification`.
    public var purpose: String
    public var token: String
    public var userID: String
    public var email: String
    public var name: String
    /// Unix seconds after which the token is refused.
    public var expiresAt: Int

    public init(purpose: String, token: String, userID: String, email: String, name: String, expiresAt: Int) {
        self.purpose = purpose
        self.token = token
        self.userID = userID
        self.email = email
        self.name = name
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case purpose, token, email, name
        case userID = "user_id"
        case expiresAt = "expires_at"
    }
}
