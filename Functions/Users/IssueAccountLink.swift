import Contracts
import SokoFunctions

/// `accountLink` — POST /internal/users/account-link (service): the token for a recorded reset or
/// verification request, minted as the notifications service composes the mail, with whom to
/// send it to. 404 `link-request-not-found`; 410 `link-request-spent` when it was used or expired
/// (the mail is not sent).
enum IssueAccountLink: Function {
    static let name = "accountLink"

    static func run(_ input: AccountLinkRequest, context: FunctionContext) async throws -> AccountLink {
        let minted: AccountLinks.Minted
        do {
            minted = try await AccountLinks.mint(input.requestID, at: context.now, store: context.store)
        } catch AccountLinks.MintRefusal.unknown {
            throw FunctionError.notFound("no such link request", code: "link-request-not-found")
        } catch AccountLinks.MintRefusal.spent {
            throw FunctionError(status: 410, code: "link-request-spent", detail: "the link request was used or has expired")
        }
        guard minted.userID == input.userID, let user = try await User.find(id: minted.userID, in: context.store) else {
            throw FunctionError.notFound("no such link request", code: "link-request-not-found")
        }
        return AccountLink(
            purpose: minted.purpose.rawValue, token: minted.token, userID: user.id, email: user.email, name: user.name,
            expiresAt: minted.expiresAt)
    }
}
