import ShopWeb
import SokoFunctions

/// `POST /signout`: revokes the refresh token (`users.logout`) and clears the session cookies.
/// The cookies go whatever the Users service answers: the shopper asked to be signed out here.
struct SignOut: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        if let refreshToken = web.session.refreshToken, web.session.isSignedIn {
            struct Revocation: Encodable {
                var refreshToken: String
                enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
            }
            do {
                let answer = try await web.call(
                    "users", "logout", RouteCall(body: try JSONCoding.encode(Revocation(refreshToken: refreshToken))))
                if !answer.succeeded {
                    web.context.logger.warning("sign-out: logout answered \(answer.status)")
                }
            } catch {
                web.context.logger.warning("sign-out: logout failed", metadata: ["error": "\(error)"])
            }
        }
        web.signOut()
        web.flash("You are signed out.")
        return shop.redirect(web, to: "/")
    }
}
