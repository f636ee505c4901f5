import ShopWeb
import SokoFunctions

/// `GET /register?next=`: the registration form.
struct RegisterPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let next = SafeRedirect.path(web.request.query["next"])
        if web.session.isSignedIn { return shop.redirect(web, to: next) }
        return shop.page(web, title: "Register", AccountForms.register(web, next: next))
    }
}
