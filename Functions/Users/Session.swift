import Glibc
import SokoFunctions
import SokoSecurity

struct LogoutInput: Decodable, Sendable {
    var refreshToken: String

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

/// `POST /auth/logout` → 204; the presented refresh token (and the session it belongs to) is
/// revoked. Only the caller's own tokens can be revoked; anything else is a silent no-op, so the
/// answer does not tell whether a token exists.
enum Logout: Function {
    static func run(_ input: LogoutInput, context: FunctionContext) async throws -> FunctionResponse {
        guard let subject = context.identity?.subject else { throw FunctionError.unauthorized("sign in first") }
        let rows = try await context.store.query(
            "SELECT family FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2",
            [.text(RandomToken.hash(input.refreshToken)), .text(subject)])
        if let family = try rows.first?.string("family") {
            try await TokenEndpoint.revoke(family: family, at: context.now, store: context.store)
        }
        return .noContent
    }
}

struct ChangePasswordInput: Decodable, Sendable {
    var currentPassword: String
    var newPassword: String

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
}

/// `POST /users/me/password` → 204; every refresh token of the account is revoked.
struct ChangePassword: DependentFunction {
    let passwords: PasswordHasher
    let throttle: LoginThrottle

    func run(_ input: ChangePasswordInput, context: FunctionContext) async throws -> FunctionResponse {
        guard let subject = context.identity?.subject, let user = try await User.find(id: subject, in: context.store) else {
            throw FunctionError.notFound("no such user", code: "user-not-found")
        }
        // The current password is a password check like sign-in's: same limits, so a stolen
        // access token cannot be used to guess it.
        let attempt = try await throttle.begin(
            email: user.email, address: context.request.clientAddress, at: context.now, store: context.store)
        guard try await passwords.verify(input.currentPassword, against: user.passwordHash) else {
            throw FunctionError(
                status: 403, code: "wrong-password", detail: "the current password is wrong",
                errors: [FieldError(field: "current_password", message: "is wrong")])
        }
        let problems = AccountRules.passwordProblems(input.newPassword, email: user.email)
        guard problems.isEmpty else {
            throw FunctionError.validation(problems.map { FieldError(field: "new_password", message: $0.message) })
        }
        try await throttle.succeeded(attempt, store: context.store)
        let hash = try await passwords.hash(input.newPassword)
        let time = context.now
        let now = Int64(time.unixSeconds)
        try await context.store.transaction { tx in
            try tx.execute(
                "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
                [.text(hash), .text(time.timestamp), .text(user.id)])
            try tx.execute(
                "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                [.integer(now), .text(user.id)])
        }
        return .noContent
    }
}
