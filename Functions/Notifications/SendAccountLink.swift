import Contracts
import SokoFunctions

/// `sendPasswordReset` — on `user.password_reset_requested`: the reset link, to the account's
/// address.
struct SendPasswordReset: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<AccountLinkRequest>, context: FunctionContext) async throws -> DeliveryOutcome {
        try await AccountLinkMail.deliver(event, kind: .passwordReset, context: context, settings: settings)
    }
}

/// `sendEmailVerification` — on `user.verification_requested`: the link that confirms the address.
struct SendEmailVerification: DependentEventFunction {
    let settings: NotificationSettings

    @discardableResult
    func run(_ event: Event<AccountLinkRequest>, context: FunctionContext) async throws -> DeliveryOutcome {
        try await AccountLinkMail.deliver(event, kind: .emailVerification, context: context, settings: settings)
    }
}

/// The two account-link mails: the token is minted by `users.accountLink` as the mail is
/// composed (events carry none), and the link is built on `SOKO_PUBLIC_URL`.
enum AccountLinkMail {
    static func deliver(
        _ event: Event<AccountLinkRequest>, kind: NotificationKind, context: FunctionContext, settings: NotificationSettings
    ) async throws -> DeliveryOutcome {
        let request = event.payload
        return try await NotificationDelivery.deliver(event, kind: kind, context: context, settings: settings) {
            let link: AccountLink
            do {
                link = try await context.invoke(AccountContract.accountLink, request)
            } catch let error as InvocationError where [404, 410, 422].contains(error.status) {
                // Used, expired or unknown: a link that would not work is not worth a mail.
                throw Undeliverable(description: "no link to send for request \(request.requestID): \(error.code)")
            }
            guard let to = Mailbox(name: link.name, address: link.email) else {
                throw Undeliverable(description: "the address of user \(link.userID) cannot be written to")
            }
            let minutes = max(1, (link.expiresAt - context.now.unixSeconds) / 60)
            switch kind {
            case .passwordReset:
                let url = settings.publicURL + "/account/reset-password?token=" + link.token
                return (to, MailTemplates.passwordReset(name: link.name, url: url, minutes: minutes, shop: settings.shop))
            default:
                let url = settings.publicURL + "/account/verify-email?token=" + link.token
                return (
                    to,
                    MailTemplates.emailVerification(name: link.name, url: url, hours: max(1, minutes / 60), shop: settings.shop)
                )
            }
        }
    }
}
