import ShopWeb
import SokoFunctions

/// `POST /admin/sign-out` — revokes the session's refresh token (`users.logout`) and clears the
/// cookies, then 303 to the shop. The console signs out itself rather than posting to the
/// storefront, so it works wherever the console is deployed.
struct ConsoleSignOut: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        guard page.web.csrfValid(form) else { return try await page.admit(form) ?? page.forbidden() }
        if let refresh = page.web.session.refreshToken {
            // Best effort: the cookies go whatever the Users service says.
            _ = try? await page.web.call(
                "users", "logout",
                RouteCall(
                    headers: ["Content-Type": "application/json"], body: try JSONCoding.encode(["refresh_token": refresh])))
        }
        page.web.signOut()
        return page.redirect("/", flash: "Signed out.")
    }
}
