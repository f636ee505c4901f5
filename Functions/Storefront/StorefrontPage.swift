import ShopWeb
import SokoFunctions

/// A storefront page handler: gets the request's ``WebRequest`` and, for a POST, its form once the
/// CSRF token checked out. What it throws as a ``CallProblem`` (a product that is not there, a
/// service that is down) becomes a page saying so, never a bare error.
protocol StorefrontPage: DependentRawFunction {
    var shop: Storefront { get }
    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse
}

extension StorefrontPage {
    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var web = shop.begin(request, context)
        let form = FormBody(request)
        if request.method == "POST" && !web.csrfValid(form) {
            return shop.page(
                web, title: "Form expired",
                """
                <h1>This form has expired</h1>
                <p class="alert" role="alert">The page was open too long or came from another site. Go back, reload the page and try again.</p>
                <p><a href="/">Back to the shop</a></p>
                """, status: 403)
        }
        do {
            return try await respond(&web, form: form)
        } catch let problem as CallProblem {
            return shop.problemPage(web, problem)
        } catch let error as InvocationError {
            context.logger.warning("storefront call failed", metadata: ["error": "\(error)"])
            return shop.problemPage(
                web, CallProblem(status: 503, code: error.code, detail: "The shop is busy right now. Please try again.", fields: []))
        }
    }
}
