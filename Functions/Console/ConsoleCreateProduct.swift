import ShopWeb
import SokoFunctions

/// `POST /admin/catalog/new` → `catalog.createProduct` as the admin; 303 to the product's page,
/// or the form again with the catalog's reasons (422).
struct ConsoleCreateProduct: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let posted = FormBody(request)
        if let refusal = try await page.admit(posted) { return refusal }
        let form = ProductForm(posted)
        let body: ProductBody
        switch form.body(includeStock: true) {
        case .success(let value): body = value
        case .failure(let errors): return try await ConsoleNewProduct.render(&page, form: form, errors: errors.messages)
        }
        let answer = try await page.web.call(
            "catalog", "createProduct",
            RouteCall(headers: ["Content-Type": "application/json"], body: try JSONCoding.encode(body)))
        guard answer.succeeded else {
            return try await ConsoleNewProduct.render(&page, form: form, errors: FormErrors(answer.problem).messages)
        }
        let created = try answer.decode(Identified.self)
        return page.redirect("/admin/catalog/\(created.id)", flash: "Product created.")
    }
}

/// `{id}` of a created resource.
struct Identified: Decodable, Sendable {
    var id: String
}
