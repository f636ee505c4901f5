import ShopWeb
import SokoFunctions

/// `POST /admin/catalog/{id}/stock` (`on_hand`) → `catalog.setInventory`; 303 back to the product
/// with the outcome (it cannot go below what orders in progress hold).
struct ConsoleSetStock: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        let form = FormBody(request)
        if let refusal = try await page.admit(form) { return refusal }
        let id = context.pathParameter("id") ?? ""
        guard let text = form["on_hand"], let onHand = Int(text), onHand >= 0 else {
            return try await ConsoleProduct.render(
                &page, id: id, form: nil, errors: ["On hand: must be a whole number, zero or more"])
        }
        return try await ConsoleProduct.send(
            &page, id: id, function: "setInventory", body: try JSONCoding.encode(["on_hand": onHand]),
            flash: "Stock set to \(onHand) on hand.")
    }
}
