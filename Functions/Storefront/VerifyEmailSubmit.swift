import ShopWeb
import SokoFunctions

/// `POST /account/verify-email` (form `token`): marks the email verified through
/// `users.verifyEmail`; a used or expired link says so.
struct VerifyEmailSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Verify: Encodable { var token: String }
        let answer = try await web.call(
            "users", "verifyEmail", RouteCall(body: try JSONCoding.encode(Verify(token: form.exact("token") ?? ""))))
        if answer.succeeded { return shop.page(web, title: "Email verified", RecoveryForms.emailVerified) }
        if answer.status >= 500 || answer.status == 429 { throw answer.problem }
        return shop.page(web, title: "Link no longer works", RecoveryForms.deadLink(resetting: false), status: 400)
    }
}
