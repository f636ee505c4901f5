import ShopWeb
import SokoFunctions

/// `POST /admin/catalog/{id}/archive` (`archived=true|false`) → archives the product
/// (`catalog.deleteProduct`, a soft delete) or restores it (`catalog.updateProduct`); 303 back.
struct ConsoleArchiveProduct: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let archive = form["archived"] != "false"
        let answer: CallAnswer
        if archive {
            answer = try await page.web.call("catalog", "deleteProduct", RouteCall(pathParameters: ["id": id]))
        } else {
            answer = try await page.web.call(
                "catalog", "updateProduct",
                RouteCall(
                    pathParameters: ["id": id], headers: ["Content-Type": "application/json"],
                    body: Array(#"{"archived":false}"#.utf8)))
        }
        guard answer.succeeded else {
            return try await ConsoleProduct.render(&page, id: id, form: nil, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect(
            "/admin/catalog/\(id)", flash: archive ? "Archived. The shop no longer shows it." : "Restored. It is on sale again.")
    }
}
