import SokoFunctions

/// The Catalog bundle: categories, products with full-text search, and the stock that orders
/// reserve, commit and release (docs/commerce.md).
public enum CatalogBundle: FunctionBundle {
    public static let service = "catalog"

    public static let migrations = CatalogSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        registry.add(ListCategories.self)
        registry.add(CreateCategory.self)
        registry.add(UpdateCategory.self)
        registry.add(ListProducts.self)
        registry.add(GetProduct.self)
        registry.add(CreateProduct.self)
        registry.add(UpdateProduct.self)
        registry.add(DeleteProduct.self)
        registry.add(SetInventory.self)
        registry.add(CreateVariant.self)
        registry.add(UpdateVariant.self)
        registry.add(SetVariantInventory.self)
        registry.add(AdminListProducts.self)
        registry.add(AdminGetProduct.self)
        registry.add(LookupProducts.self)
        registry.add(ReserveStock.self)
        registry.add(CommitStock.self)
        registry.add(ReleaseStock.self)
        registry.add(ExpireReservations.self)
    }
}
