import ShopWeb
import SokoFunctions

/// `POST /signin` (form `email`, `password`, `next`): signs in through `users.login` with the
/// guest cart's token (the Users bundle merges the guest cart), keeps the tokens in `HttpOnly`
/// cookies and goes on to `next`.
struct SignInSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let next = SafeRedirect.path(form["next"])
        let email = form["email"] ?? ""
        let answer = try await Self.login(&web, email: email, password: form.exact("password") ?? "")
        guard answer.succeeded else {
            let message = answer.status == 401 ? "The email or the password is wrong." : answer.problem.message
            return shop.page(
                web, title: "Sign in", AccountForms.signIn(web, email: email, next: next, error: message),
                status: answer.status == 429 ? 429 : 200)
        }
        web.signIn(try answer.decode(SignInTokens.self))
        web.flash("Welcome back.")
        return shop.redirect(web, to: next)
    }

    /// `users.login` as this browser (its guest cart token goes along).
    static func login(_ web: inout WebRequest, email: String, password: String) async throws -> CallAnswer {
        struct Credentials: Encodable {
            var email: String
            var password: String
        }
        return try await web.call(
            "users", "login", RouteCall(body: try JSONCoding.encode(Credentials(email: email, password: password))))
    }
}
