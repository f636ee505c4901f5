import ShopWeb
import SokoFunctions

/// `POST /admin/zones` (`name`, `fee`, `free_above`, `pickup`, `cash_on_delivery`, `active`) →
/// `orders.createDeliveryZone`; 303 back, or the page again with the reasons.
struct ConsoleCreateZone: DependentRawFunction {
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
            "orders", "createDeliveryZone", RouteCall(headers: ["Content-Type": "application/json"], body: body))
        guard answer.succeeded else {
            return try await ConsoleZones.render(&page, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/zones", flash: "Delivery zone added.")
    }
}
