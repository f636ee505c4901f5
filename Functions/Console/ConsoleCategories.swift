import ShopWeb
import SokoFunctions

/// `GET /admin/categories` — the category tree, a form to add one, and one to rename or move
/// each (name, slug, parent).
struct ConsoleCategories: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        return try await Self.render(&page, errors: [])
    }

    static func render(_ page: inout ConsoleRequest, errors: [String]) async throws -> FunctionResponse {
        let forest = try await page.web.call("catalog", "listCategories").decode(CategoryForest.self)
        let all = forest.flattened
        let csrf = page.web.csrfField
        func parents(selected: String?, excluding: String?) -> HTML {
            HTML.join(
                all.filter { $0.category.id != excluding }.map { entry in
                    let mark: HTML = entry.category.id == selected ? " selected" : ""
                    return
                        "<option value=\"\(entry.category.id)\"\(mark)>\(String(repeating: "— ", count: entry.depth) + entry.category.name)</option>"
                })
        }
        let rows = HTML.join(
            all.map { entry -> HTML in
                let category = entry.category
                return """
                    <li><form class="inline" method="post" action="/admin/categories/\(category.id)" aria-label="Edit \(category.name)">\(csrf)
                    <label>Name <input name="name" value="\(category.name)" required maxlength="100"></label>
                    <label>Slug <input name="slug" value="\(category.slug)" required maxlength="64" pattern="[a-z0-9]+(-[a-z0-9]+)*"></label>
                    <label>Parent <select name="parent_id"><option value="">(top level)</option>\(parents(selected: category.parentID, excluding: category.id))</select></label>
                    <button type="submit">Save</button>
                    </form></li>
                    """
            })
        return page.page(
            "Categories", status: errors.isEmpty ? 200 : 422, current: .categories,
            main: """
                <h1>Categories</h1>
                \(ConsoleLayout.errors(errors))
                <section aria-labelledby="new-heading">
                <h2 id="new-heading">New category</h2>
                <form class="inline" method="post" action="/admin/categories">\(csrf)
                <label>Name <input name="name" required maxlength="100"></label>
                <label>Parent <select name="parent_id"><option value="">(top level)</option>\(parents(selected: nil, excluding: nil))</select></label>
                <button type="submit">Add category</button>
                </form>
                </section>
                <section aria-labelledby="all-heading">
                <h2 id="all-heading">All categories</h2>
                \(all.isEmpty ? HTML.raw("<p>None yet.</p>") : "<ul class=\"categories\">\(rows)</ul>")
                </section>
                """)
    }
}
