import ShopWeb
import SokoFunctions

/// `POST /admin/zones/{id}` (the zone's fields; an unticked box is false, an empty free-from
/// amount removes it) → `orders.updateDeliveryZone`; 303 back, or the page again with the reasons.
struct ConsoleSaveZone: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let body: [UInt8]
        switch ConsoleZones.body(form) {
        case .success(let json): body = json
        case .failure(let errors): return try await ConsoleZones.render(&page, errors: errors.messages)
        }
        let answer = try await page.web.call(
            "orders", "updateDeliveryZone",
            RouteCall(
                pathParameters: ["id": context.pathParameter("id") ?? ""], headers: ["Content-Type": "application/json"],
                body: body))
        guard answer.succeeded else {
            return try await ConsoleZones.render(&page, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/zones", flash: "Delivery zone saved.")
    }
}
