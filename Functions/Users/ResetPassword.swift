import SokoFunctions
import SokoSecurity

struct ResetPasswordInput: Decodable, Sendable {
    var token: String
    var newPassword: String

    enum CodingKeys: String, CodingKey {
        case token
        case newPassword = "new_password"
    }
}

/// `POST /auth/password/reset` `{token, new_password}` → 204: the mailed link's token sets a new
/// password. The token is spent in the transaction that changes the password (two uses racing:
/// one wins, the other is refused), and that transaction also revokes every refresh-token family
/// of the account (every session, on every device), spends the account's other reset links,
/// clears its sign-in failures and — the mail reached its owner — marks the email verified.
/// An unknown, used or expired token is 400 `invalid-token`.
struct ResetPassword: DependentFunction {
    let passwords: PasswordHasher

    static let invalid = FunctionError(
        status: 400, code: "invalid-token", detail: "the reset link is unknown, used or expired; ask for a new one",
        errors: [FieldError(field: "token", message: "is unknown, used or expired")])

    func run(_ input: ResetPasswordInput, context: FunctionContext) async throws -> FunctionResponse {
        let time = context.now
        // Looked up (not spent) first: the new password is checked against the account's email
        // and hashed (on the compute pool) outside the transaction.
        guard let userID = try await AccountLinks.peek(input.token, purpose: .passwordReset, at: time, store: context.store),
            let user = try await User.find(id: userID, in: context.store)
        else { throw Self.invalid }
        let problems = AccountRules.passwordProblems(input.newPassword, email: user.email)
        guard problems.isEmpty else {
            throw FunctionError.validation(problems.map { FieldError(field: "new_password", message: $0.message) })
        }
        let hash = try await passwords.hash(input.newPassword)
        let reset = try await context.store.transaction { tx -> Bool in
            guard try AccountLinks.consume(input.token, purpose: .passwordReset, at: time, tx) == user.id else { return false }
            try EmailVerification.markVerified(userID: user.id, at: time, tx)
            try tx.execute(
                """
                UPDATE users SET password_hash = $1, updated_at = $2, email_verified_at = COALESCE(email_verified_at, $2)
                WHERE id = $3
                """,
                [.text(hash), .text(time.timestamp), .text(user.id)])
            try tx.execute(
                "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                [.integer(Int64(time.unixSeconds)), .text(user.id)])
            try AccountLinks.spendAll(.passwordReset, userID: user.id, at: time, tx)
            try tx.execute("DELETE FROM login_failures WHERE subject = $1", [.text("email:" + user.email)])
            return true
        }
        guard reset else { throw Self.invalid }
        return .noContent
    }
}
