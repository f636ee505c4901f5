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
        registry.add(ClearOrderedItems.self)
        registry.add(CartMerge.self)
        registry.add(OrderPlaced.self)
        registry.add(ExpireCarts.self)
    }
}
