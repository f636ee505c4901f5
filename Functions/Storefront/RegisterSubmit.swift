import ShopWeb
import SokoFunctions

/// `POST /register` (form `name`, `email`, `password`, `next`): creates the account through
/// `users.register`, signs in at once (the guest cart merges) and goes on to `next`.
struct RegisterSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Registration: Encodable {
            var email: String
            var password: String
            var name: String
        }
        let next = SafeRedirect.path(form["next"])
        let name = form["name"] ?? ""
        let email = form["email"] ?? ""
        let password = form.exact("password") ?? ""
        let registered = try await web.call(
            "users", "register",
            RouteCall(body: try JSONCoding.encode(Registration(email: email, password: password, name: name))))
        guard registered.succeeded else {
            let message = registered.status == 409 ? "An account with this email exists already: sign in instead." : registered.problem.message
            return shop.page(
                web, title: "Register", AccountForms.register(web, name: name, email: email, next: next, error: message))
        }
        let login = try await SignInSubmit.login(&web, email: email, password: password)
        guard login.succeeded else {
            web.flash("Your account is ready: sign in.")
            return shop.redirect(web, to: "/signin?next=" + FormEncoding.encode(next))
        }
        web.signIn(try login.decode(SignInTokens.self))
        web.flash("Welcome, \(name).")
        return shop.redirect(web, to: next)
    }
}
