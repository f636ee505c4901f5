import SokoFunctions

/// The Catalog bundle: categories, products with full-text search, and the stock that orders
/// reserve, commit and release (docs/commerce.md).
public enum CatalogBundle: FunctionBundle {
    public static let service = "catalog"

    public static let migrations = CatalogSchema.migrations

    public static func register(_ registry: inout FunctionRegistry) {
        registry.typed("listCategories") { (_: NoInput, context) in try await ListCategories.run(context: context) }
        registry.typed("createCategory") { (input: CreateCategoryInput, context) in
            try await CreateCategory.run(input, context: context)
        }
        registry.typed("listProducts") { (_: NoInput, context) in try await ListProducts.run(context: context) }
        registry.typed("getProduct") { (_: NoInput, context) in try await GetProduct.run(context: context) }
        registry.typed("createProduct") { (input: CreateProductInput, context) in
            try await CreateProduct.run(input, context: context)
        }
        registry.typed("updateProduct") { (input: UpdateProductInput, context) in
            try await UpdateProduct.run(input, context: context)
        }
        registry.typed("deleteProduct") { (_: NoInput, context) in try await DeleteProduct.run(context: context) }
        registry.typed("setInventory") { (input: SetInventoryInput, context) in
            try await SetInventory.run(input, context: context)
        }
        registry.typed("lookupProducts") { (input: LookupProductsInput, context) in
            try await LookupProducts.run(input, context: context)
        }
        registry.typed("reserveStock") { (input: ReserveStockInput, context) in
            try await ReserveStock.run(input, context: context)
        }
        registry.typed("commitStock") { (input: OrderReference, context) in try await CommitStock.run(input, context: context) }
        registry.typed("releaseStock") { (input: OrderReference, context) in
            try await ReleaseStock.run(input, context: context)
        }
        registry.typed("expireReservations") { (_: NoInput, context) in try await ExpireReservations.run(context: context) }
    }
}
