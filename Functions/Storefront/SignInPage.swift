import ShopWeb
import SokoFunctions

/// `GET /signin?next=`: the sign-in form.
struct SignInPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let next = SafeRedirect.path(web.request.query["next"])
        if web.session.isSignedIn { return shop.redirect(web, to: next) }
        return shop.page(web, title: "Sign in", AccountForms.signIn(web, next: next))
    }
}
