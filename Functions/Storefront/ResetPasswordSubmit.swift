import ShopWeb
import SokoFunctions

/// `POST /account/reset-password` (form `token`, `password`): sets the new password through
/// `users.resetPassword` (which signs the account out everywhere), then says so with a sign-in
/// link. A used or expired link says that; a password the Users bundle refuses shows the form again.
struct ResetPasswordSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Reset: Encodable {
            var token: String
            var newPassword: String
            enum CodingKeys: String, CodingKey {
                case token
                case newPassword = "new_password"
            }
        }
        let token = form.exact("token") ?? ""
        let answer = try await web.call(
            "users", "resetPassword",
            RouteCall(body: try JSONCoding.encode(Reset(token: token, newPassword: form.exact("password") ?? ""))))
        if answer.succeeded {
            // The old session's refresh token was revoked with the others: drop its cookies too.
            if web.session.isSignedIn { web.signOut() }
            return shop.page(web, title: "Password changed", RecoveryForms.passwordChanged)
        }
        if answer.status >= 500 { throw answer.problem }
        let problem = answer.problem
        if problem.code == "invalid-token" {
            return shop.page(web, title: "Link no longer works", RecoveryForms.deadLink(resetting: true), status: 400)
        }
        return shop.page(
            web, title: "Choose a new password", RecoveryForms.reset(web, token: token, error: problem.message),
            status: answer.status == 429 ? 429 : 200)
    }
}
