import SokoFunctions

/// The Orders bundle (being built: issue 4).
public enum OrdersBundle: FunctionBundle {
    public static let service = "orders"

    public static func register(_ registry: inout FunctionRegistry) {}
}
