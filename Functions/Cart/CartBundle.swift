import SokoFunctions

/// The Cart bundle (being built: issue 4).
public enum CartBundle: FunctionBundle {
    public static let service = "cart"

    public static func register(_ registry: inout FunctionRegistry) {}
}
