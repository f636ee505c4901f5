import ShopWeb
import SokoFunctions

/// `POST /admin/catalog/{id}` → `catalog.updateProduct`; 303 back to the product, or its page
/// again with the catalog's reasons (422).
struct ConsoleSaveProduct: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let posted = FormBody(request)
        if let refusal = try await page.admit(posted) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let form = ProductForm(posted)
        let body: ProductBody
        switch form.body(includeStock: false) {
        case .success(let value): body = value
        case .failure(let errors): return try await ConsoleProduct.render(&page, id: id, form: form, errors: errors.messages)
        }
        let answer = try await page.web.call(
            "catalog", "updateProduct",
            RouteCall(
                pathParameters: ["id": id], headers: ["Content-Type": "application/json"], body: try JSONCoding.encode(body)))
        guard answer.succeeded else {
            return try await ConsoleProduct.render(&page, id: id, form: form, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/catalog/\(id)", flash: "Saved.")
    }
}
