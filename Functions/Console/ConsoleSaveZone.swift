import ShopWeb
import SokoFunctions

/// `POST /admin/zones/{id}` (the zone's fields; an unticked box is false, an empty free-from
/// amount removes it) → `orders.updateDeliveryZone`; 303 back, or the page again with the reasons.
struct ConsoleSaveZone: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try await ConsoleZones.submit(
            request, context: context, console: console, function: "updateDeliveryZone",
            pathParameters: ["id": context.pathParameter("id") ?? ""], flash: "Delivery zone saved.")
    }
}
