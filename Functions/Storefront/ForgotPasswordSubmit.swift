import ShopWeb
import SokoFunctions

/// `POST /account/forgot-password` (form `email`): asks `users.forgotPassword` for a reset link.
/// The page says the same whatever the email (the Users bundle never tells whether it has an
/// account); only a malformed email or a spent rate limit shows the form again.
struct ForgotPasswordSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Forgot: Encodable { var email: String }
        let email = form["email"] ?? ""
        let answer = try await web.call(
            "users", "forgotPassword", RouteCall(body: try JSONCoding.encode(Forgot(email: email))))
        guard answer.succeeded else {
            if answer.status >= 500 { throw answer.problem }
            return shop.page(
                web, title: "Forgot your password?", RecoveryForms.forgot(web, email: email, error: answer.problem.message),
                status: answer.status == 429 ? 429 : 200)
        }
        return shop.page(web, title: "Check your email", RecoveryForms.linkSent)
    }
}
