import ShopWeb
import SokoFunctions

/// `GET /account/verify-email?token=`: the page the verification mail links to. It only shows a
/// "Verify email" button: a GET changes nothing (mail scanners and link previews follow links).
struct VerifyEmailPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        guard let token = web.request.query["token"], !token.isEmpty else {
            return shop.page(web, title: "Link no longer works", RecoveryForms.deadLink(resetting: false), status: 400)
        }
        return shop.page(web, title: "Verify your email", RecoveryForms.verify(web, token: token))
    }
}
