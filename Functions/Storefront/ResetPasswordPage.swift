import ShopWeb
import SokoFunctions

/// `GET /account/reset-password?token=`: the page the reset mail links to, with the new-password
/// form. Nothing changes on a GET; whether the token still works is known when the form posts.
struct ResetPasswordPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        guard let token = web.request.query["token"], !token.isEmpty else {
            return shop.page(web, title: "Link no longer works", RecoveryForms.deadLink(resetting: true), status: 400)
        }
        return shop.page(web, title: "Choose a new password", RecoveryForms.reset(web, token: token))
    }
}
