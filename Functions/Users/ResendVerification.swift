import Contracts
import SokoFunctions

/// `POST /users/me/verify-email` → 202: mails the caller a new verification link (the older ones
/// keep working until they expire). 409 `email-already-verified`; past three links an hour (the
/// registration's counts) 429 `too-many-requests` with `Retry-After`.
enum ResendVerification: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Reply<AcceptedRequest> {
        guard let subject = context.identity?.subject, let user = try await User.find(id: subject, in: context.store) else {
            throw FunctionError.notFound("no such user", code: "user-not-found")
        }
        guard user.emailVerifiedAt == nil else {
            throw FunctionError.conflict("the email address is already verified", code: "email-already-verified")
        }
        let outcome = try await context.store.transaction { tx in
            let requested = try AccountLinks.request(
                .emailVerification, email: user.email, userID: user.id, at: context.now, tx)
            if case .created(let id) = requested {
                try tx.emit(AccountEvents.verificationRequested, AccountLinkRequest(requestID: id, userID: user.id))
            }
            return requested
        }
        if case .throttled(let retryAfter) = outcome {
            throw FunctionError(
                status: 429, code: "too-many-requests", detail: "verification links were sent recently; try again later",
                headers: ["Retry-After": "\(retryAfter)"])
        }
        return Reply(status: 202, body: AcceptedRequest())
    }
}
