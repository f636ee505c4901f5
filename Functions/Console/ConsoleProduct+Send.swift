import ShopWeb
import SokoFunctions

extension ConsoleProduct {
    /// What the product page's small forms do once their fields are read: send `body` as JSON to
    /// `function` of the Catalog service for product `id`, then go back to the product with
    /// `flash`, or show the page again with the reasons Catalog gave.
    static func send(
        _ page: inout ConsoleRequest, id: String, function: String, pathParameters: [String: String] = [:],
        body: [UInt8], flash: String
    ) async throws -> FunctionResponse {
        let answer = try await page.web.call(
            "catalog", function,
            RouteCall(
                pathParameters: pathParameters.merging(["id": id]) { mine, _ in mine },
                headers: ["Content-Type": "application/json"], body: body))
        guard answer.succeeded else {
            return try await render(&page, id: id, form: nil, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/catalog/\(id)", flash: flash)
    }
}
