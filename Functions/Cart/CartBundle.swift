import SokoFunctions

/// The Cart bundle: customers' and guests' carts, priced from the catalog on every read, read by
/// orders at checkout and cleared of what was ordered.
public enum CartBundle: FunctionBundle {
    public static let service = "cart"

    public static let migrations = CartSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        let settings: CartSettings
        do {
            settings = try CartSettings(environment: registry.environment)
        } catch {
            registry.refuse("\(error)")
            return
        }
        registry.add(GetCart.self)
        registry.add(AddToCart(settings: settings))
        registry.add(UpdateCartItem(settings: settings))
        registry.add(RemoveCartItem.self)
        registry.add(ClearCart.self)
        registry.add(CheckoutCart.self)
        registry.event("clearOrderedItems") { (event: Event<ClearOrderedItems.OrderPlaced>, context) in
            try await ClearOrderedItems.run(event, context: context)
        }
        registry.typed("mergeCart") { (input: CartMerge.Input, context) -> FunctionResponse in
            try await CartMerge.run(input, context: context)
            return .noContent
        }
        registry.typed("orderPlaced") { (placed: ClearOrderedItems.OrderPlaced, context) -> FunctionResponse in
            try await ClearOrderedItems.run(placed, context: context)
            return .noContent
        }
        registry.raw("expireCarts") { _, context in
            try await ExpireCarts.run(context: context)
            return .noContent
        }
    }
}
