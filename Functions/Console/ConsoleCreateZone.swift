import ShopWeb
import SokoFunctions

/// `POST /admin/zones` (`name`, `fee`, `free_above`, `pickup`, `cash_on_delivery`, `active`) →
/// `orders.createDeliveryZone`; 303 back, or the page again with the reasons.
struct ConsoleCreateZone: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        try await ConsoleZones.submit(
            request, context: context, console: console, function: "createDeliveryZone", flash: "Delivery zone added.")
    }
}
