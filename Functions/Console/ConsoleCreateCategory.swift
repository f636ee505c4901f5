import ShopWeb
import SokoFunctions

/// `POST /admin/categories` (`name`, `parent_id`) → `catalog.createCategory`; 303 back, or the
/// page again with the catalog's reasons.
struct ConsoleCreateCategory: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let name = form["name"] ?? ""
        let answer = try await page.web.call(
            "catalog", "createCategory",
            RouteCall(
                headers: ["Content-Type": "application/json"],
                body: try JSONCoding.encode([
                    "name": JSONValue.string(name), "parent_id": form["parent_id"].map(JSONValue.string) ?? .null,
                ])))
        guard answer.succeeded else {
            return try await ConsoleCategories.render(&page, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/categories", flash: "Category added.")
    }
}
