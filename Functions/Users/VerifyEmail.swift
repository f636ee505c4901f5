import SokoFunctions

struct VerifyEmailInput: Decodable, Sendable {
    var token: String
}

/// `POST /users/verify-email` `{token}` → 204: the verification link's token marks the account's
/// email verified (`email_verified: true` in its profile). Single use; an unknown, used or expired
/// token is 400 `invalid-token`. No sign-in needed: the token is the proof.
///
/// Shoppers may order before they verify; their profile says `email_verified: false` until then.
enum VerifyEmail: Function {
    static func run(_ input: VerifyEmailInput, context: FunctionContext) async throws -> FunctionResponse {
        let time = context.now
        let verified = try await context.store.transaction { tx -> Bool in
            guard let userID = try AccountLinks.consume(input.token, purpose: .emailVerification, at: time, tx) else {
                return false
            }
            try EmailVerification.markVerified(userID: userID, at: time, tx)
            try AccountLinks.spendAll(.emailVerification, userID: userID, at: time, tx)
            return true
        }
        guard verified else {
            throw FunctionError(
                status: 400, code: "invalid-token",
                detail: "the verification link is unknown, used or expired; ask for a new one",
                errors: [FieldError(field: "token", message: "is unknown, used or expired")])
        }
        return .noContent
    }
}
