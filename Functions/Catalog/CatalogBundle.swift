import SokoFunctions

/// The Catalog bundle (being built: issue 4).
public enum CatalogBundle: FunctionBundle {
    public static let service = "catalog"

    public static func register(_ registry: inout FunctionRegistry) {}
}
