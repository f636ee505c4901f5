import ShopWeb
import SokoFunctions

/// `GET /admin/catalog/new` — the new-product form.
struct ConsoleNewProduct: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        return try await Self.render(&page, form: ProductForm(), errors: [])
    }

    /// The form with `errors` above it (422 when there are any, so a refused post is not a 200).
    static func render(_ page: inout ConsoleRequest, form: ProductForm, errors: [String]) async throws -> FunctionResponse {
        let categories = try await page.web.call("catalog", "listCategories").decode(CategoryForest.self)
        let hint: HTML =
            categories.categories.isEmpty
            ? "<p>There are no categories yet: <a href=\"/admin/categories\">add one</a> first.</p>" : .empty
        return page.page(
            "New product", status: errors.isEmpty ? 200 : 422, current: .catalog,
            main: """
                <h1>New product</h1>
                \(ConsoleLayout.errors(errors))\(hint)
                <form class="stack" method="post" action="/admin/catalog/new">
                \(page.web.csrfField)
                \(form.fields(categories: categories, includeStock: true))
                <button type="submit">Save</button>
                </form>
                """)
    }
}
