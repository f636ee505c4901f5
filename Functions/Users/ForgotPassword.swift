import Contracts
import SokoFunctions

struct ForgotPasswordInput: Decodable, Sendable {
    var email: String
}

/// What the recovery and verification requests answer while the mail goes out asynchronously.
struct AcceptedRequest: Encodable, Sendable {
    var status = "accepted"
}

/// `POST /auth/password/forgot` `{email}` → 202, always the same answer: whether the email has an
/// account, and whether its limit is spent, is never told (the mail says it, to its owner).
///
/// For an account, a reset request is recorded with `user.password_reset_requested` in one
/// transaction; the notifications service mails the link (`SOKO_PUBLIC_URL/account/reset-password
/// ?token=…`, valid 30 minutes, single use). An unknown email records a row too, so both paths do
/// the same work and count against the same limit: three links per address per hour, then
/// silence for the rest of the hour. The manifest's `rateLimit:` bounds asks per client address.
enum ForgotPassword: Function {
    static func run(_ input: ForgotPasswordInput, context: FunctionContext) async throws -> Reply<AcceptedRequest> {
        guard let email = AccountRules.normalise(email: input.email) else {
            throw FunctionError.validation([FieldError(field: "email", message: "must be an email address")])
        }
        let user = try await User.find(email: email, in: context.store)
        let outcome = try await context.store.transaction { tx in
            let requested = try AccountLinks.request(.passwordReset, email: email, userID: user?.id, at: context.now, tx)
            if case .created(let id) = requested, let user {
                try tx.emit(AccountEvents.passwordResetRequested, AccountLinkRequest(requestID: id, userID: user.id))
            }
            return requested
        }
        if case .throttled = outcome {
            context.logger.info("password reset throttled", metadata: ["known": "\(user != nil)"])
        }
        return Reply(status: 202, body: AcceptedRequest())
    }
}
