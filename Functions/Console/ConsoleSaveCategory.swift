import ShopWeb
import SokoFunctions

/// `POST /admin/categories/{id}` (`name`, `slug`, `parent_id`; empty parent: top level) →
/// `catalog.updateCategory`; 303 back, or the page again with the catalog's reasons.
struct ConsoleSaveCategory: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        struct Body: Encodable {
            var name: String?
            var slug: String?
            var parentID: String?

            enum CodingKeys: String, CodingKey {
                case name, slug
                case parentID = "parent_id"
            }

            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(name, forKey: .name)
                try container.encodeIfPresent(slug, forKey: .slug)
                try container.encode(parentID, forKey: .parentID)  // null: top level
            }
        }
        let body = Body(name: form["name"], slug: form["slug"], parentID: form["parent_id"])
        let answer = try await page.web.call(
            "catalog", "updateCategory",
            RouteCall(
                pathParameters: ["id": context.pathParameter("id") ?? ""], headers: ["Content-Type": "application/json"],
                body: try JSONCoding.encode(body)))
        guard answer.succeeded else {
            return try await ConsoleCategories.render(&page, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/categories", flash: "Category saved.")
    }
}
