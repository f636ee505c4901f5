import Contracts
import SokoFunctions
import SokoSecurity

struct RegisterInput: Decodable, Sendable {
    var email: String
    var password: String
    var name: String
}

/// `POST /users/register` → 201 with the new user (no password fields); 409 when the email is
/// taken. Emits `user.registered` `{user_id, email, name}` with the insert, and
/// `user.verification_requested` (the verification mail; the account is unverified until then).
struct Register: DependentFunction {
    let passwords: PasswordHasher

    func run(_ input: RegisterInput, context: FunctionContext) async throws
        -> Reply<UserProfile>
    {
        var errors: [FieldError] = []
        let email = AccountRules.normalise(email: input.email)
        if email == nil { errors.append(FieldError(field: "email", message: "must be an email address")) }
        errors += AccountRules.passwordProblems(input.password, email: email ?? input.email)
        let name = input.name.trimmingWhitespace()
        if name.isEmpty || name.count > 200 { errors.append(FieldError(field: "name", message: "must be 1 to 200 characters")) }
        guard errors.isEmpty, let email else { throw FunctionError.validation(errors) }

        let hash = try await passwords.hash(input.password)
        let id = "usr_" + RandomToken.make(bytes: 12)
        let now = context.now.timestamp
        do {
            // The unique constraint on email decides, not a check-then-insert. `user.registered`
            // is written in the same transaction: it exists exactly when the account does.
            try await context.store.transaction { transaction in
                try transaction.execute(
                    """
                    INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """,
                    [.text(id), .text(email), .text(name), .text(hash), .text("customer"), .text(now), .text(now)])
                try transaction.emit(UsersEvents.registered, UserContact(userID: id, email: email, name: name))
                // The address is unverified until its owner follows the mailed link.
                if case .created(let request) = try AccountLinks.request(
                    .emailVerification, email: email, userID: id, at: context.now, transaction)
                {
                    try transaction.emit(AccountEvents.verificationRequested, AccountLinkRequest(requestID: request, userID: id))
                }
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("an account with this email already exists", code: "email-taken")
        }
        let user = UserProfile(
            id: id, email: email, name: name, roles: ["customer"], phone: nil, shippingAddress: nil, createdAt: now,
            emailVerified: false, smsNotifications: true)
        return .created(user, location: "/users/me")
    }
}
