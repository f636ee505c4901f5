import ShopWeb
import SokoFunctions

extension ConsoleZones {
    /// What both zone forms do: admit the form, turn it into the zone's JSON, hand it to `function`
    /// of the Orders service, and go back to the zones page — with `flash`, or the page again with
    /// the reasons (the form's own, or the ones Orders gave).
    static func submit(
        _ request: FunctionRequest, context: FunctionContext, console: Console, function: String,
        pathParameters: [String: String] = [:], flash: String
    ) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let body: [UInt8]
        switch Self.body(form) {
        case .success(let json): body = json
        case .failure(let errors): return try await Self.render(&page, errors: errors.messages)
        }
        let answer = try await page.web.call(
            "orders", function,
            RouteCall(pathParameters: pathParameters, headers: ["Content-Type": "application/json"], body: body))
        guard answer.succeeded else {
            return try await Self.render(&page, errors: FormErrors(answer.problem).messages)
        }
        return page.redirect("/admin/zones", flash: flash)
    }
}
