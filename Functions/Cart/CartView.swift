import Contracts
import SokoFunctions

/// What every public cart function answers: the lines priced from the catalog now, with totals.
struct CartView: Encodable, Sendable, Equatable {
    /// The cart's id, or nil when the caller has no cart yet.
    var id: String?
    var items: [Item]
    /// The sum of the priced lines' totals (lines marked `unavailable` are left out), in minor units.
    var subtotal: Int
    /// The currency of the priced lines; nil for a cart with none.
    var currency: String?
    /// The number of units in the cart (every line's quantity, counted or not).
    var itemCount: Int
    /// The guest cart's token (guests only; the same value as the `X-Cart-Token` header).
    var cartToken: String?

    struct Item: Encodable, Sendable, Equatable {
        var productID: String
        /// The variant (null for a product without variants) and its options as text.
        var variantID: String? = nil
        var optionText: String? = nil
        var sku: String?
        var name: String?
        var imageURL: String?
        var unitPrice: Int?
        var currency: String?
        var quantity: Int
        /// `unit_price × quantity`; null for a line left out of the subtotal.
        var lineTotal: Int?
        var available: Int?
        var warning: Warning?

        func encode(to encoder: Encoder) throws {
            // Absent values are written as null: every line has the same keys.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(productID, forKey: .productID)
            try container.encode(variantID, forKey: .variantID)
            try container.encode(optionText, forKey: .optionText)
            try container.encode(sku, forKey: .sku)
            try container.encode(name, forKey: .name)
            try container.encode(imageURL, forKey: .imageURL)
            try container.encode(unitPrice, forKey: .unitPrice)
            try container.encode(currency, forKey: .currency)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(lineTotal, forKey: .lineTotal)
            try container.encode(available, forKey: .available)
            try container.encode(warning, forKey: .warning)
        }

        enum CodingKeys: String, CodingKey {
            case sku, name, currency, quantity, available, warning
            case productID = "product_id"
            case variantID = "variant_id"
            case optionText = "option_text"
            case imageURL = "image_url"
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
        }
    }

    /// Why a line may not be bought as it stands.
    enum Warning: String, Encodable, Sendable {
        /// Nothing available now.
        case outOfStock = "out_of_stock"
        /// Fewer available than the line's quantity.
        case insufficientStock = "insufficient_stock"
        /// Archived, deleted, or priced in another currency than the cart: left out of the subtotal.
        case unavailable
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(items, forKey: .items)
        try container.encode(subtotal, forKey: .subtotal)
        try container.encode(currency, forKey: .currency)
        try container.encode(itemCount, forKey: .itemCount)
        try container.encodeIfPresent(cartToken, forKey: .cartToken)
    }

    enum CodingKeys: String, CodingKey {
        case id, items, subtotal, currency
        case itemCount = "item_count"
        case cartToken = "cart_token"
    }
}

extension CartView {
    /// Prices `lines` with `products` (the catalog's current answer). The cart's currency is that
    /// of its oldest priced line; a line in another currency is marked `unavailable`.
    init(id: String?, lines: [CartLine], products: [String: ProductSummary], token: CartToken?) {
        let currency = lines.lazy.compactMap { products[$0.productID] }.first { !$0.archived }?.currency
        var items: [Item] = []
        var subtotal = 0
        for line in lines {
            guard let product = products[line.productID] else {
                items.append(
                    Item(
                        productID: line.productID, variantID: line.variantID, quantity: line.quantity, warning: .unavailable))
                continue
            }
            // A variant's line is priced and stocked as the variant; a line without a variant of a
            // product now sold as variants, or of a variant gone, cannot be bought as it stands.
            let variant = line.variantID.flatMap { product.variant($0) }
            let sellable = line.variantID == nil ? product.variants == nil : variant.map { !$0.archived } ?? false
            let price = variant?.price ?? product.price
            let available = variant?.available ?? product.available
            var item = Item(
                productID: line.productID, variantID: line.variantID, optionText: variant?.optionText,
                sku: variant?.sku ?? product.sku, name: product.name, imageURL: product.imageURL,
                unitPrice: price, currency: product.currency, quantity: line.quantity, available: max(0, available))
            if product.archived || !sellable || product.currency != currency {
                item.warning = .unavailable
            } else {
                item.lineTotal = price * line.quantity
                subtotal += price * line.quantity
                if available <= 0 {
                    item.warning = .outOfStock
                } else if available < line.quantity {
                    item.warning = .insufficientStock
                }
            }
            items.append(item)
        }
        self.init(
            id: id, items: items, subtotal: subtotal, currency: currency,
            itemCount: lines.reduce(0) { $0 + $1.quantity }, cartToken: token?.text)
    }

    /// Prices `lines`, looking up in the catalog whatever `known` lacks.
    static func priced(
        id: String?, lines: [CartLine], owner: CartOwner, known: [String: ProductSummary] = [:], context: FunctionContext
    ) async throws -> CartView {
        var products = known
        let missing = lines.map(\.productID).filter { products[$0] == nil }
        if !missing.isEmpty {
            products.merge(try await CatalogLookup.products(missing, context: context)) { _, new in new }
        }
        return CartView(id: id, lines: lines, products: products, token: owner.token)
    }

    /// The 200 answer: a guest's token also goes in `X-Cart-Token`; nothing is cached.
    var reply: Reply<CartView> {
        var headers = HTTPHeaders()
        headers.add("Cache-Control", "no-store")
        if let cartToken { headers.add(CartOwner.tokenHeader, cartToken) }
        return Reply(headers: headers, body: self)
    }
}
