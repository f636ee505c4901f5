import ShopWeb
import SokoFunctions

/// `GET /account/forgot-password`: the form asking for a reset link.
struct ForgotPasswordPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        shop.page(web, title: "Forgot your password?", RecoveryForms.forgot(web))
    }
}
