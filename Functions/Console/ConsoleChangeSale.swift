import ShopWeb
import SokoFunctions

/// `POST /admin/sales/{id}/{action}` — `ship` (`carrier`, `tracking_number`), `deliver`, `collect`
/// (`method`, `reference`) or `cancel`, through `orders.shipOrder`, `deliverOrder`,
/// `collectPayment` and `cancelOrder` as the admin; 303 back
/// to the order, or its page again with the reason (a move its state does not allow: 409).
struct ConsoleChangeSale: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        let function: String
        let done: String
        var call = RouteCall(pathParameters: ["id": id], headers: ["Content-Type": "application/json"])
        switch context.pathParameter("action") {
        case "ship":
            function = "shipOrder"
            done = "Shipped. The customer gets the tracking number by email."
            call.body = try JSONCoding.encode([
                "carrier": form["carrier"] ?? "", "tracking_number": form["tracking_number"] ?? "",
            ])
        case "deliver":
            function = "deliverOrder"
            done = "Marked delivered."
            call.body = Array("{}".utf8)
        case "collect":
            function = "collectPayment"
            done = "Payment recorded. The customer gets the receipt."
            call.body = try ConsoleCollect.body(form)
        case "cancel":
            function = "cancelOrder"
            done = "Cancelled."
            call.body = Array("{}".utf8)
        default:
            return try await ConsoleSale.render(&page, id: id, errors: ["Unknown action."])
        }
        let answer = try await page.web.call("orders", function, call)
        guard answer.succeeded else {
            return try await ConsoleSale.render(
                &page, id: id, errors: FormErrors(answer.problem).messages, carrier: form["carrier"] ?? "",
                tracking: form["tracking_number"] ?? "")
        }
        return page.redirect("/admin/sales/\(id)", flash: done)
    }
}
