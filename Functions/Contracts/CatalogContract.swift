import SokoFunctions

/// The catalog's internal functions other services call (docs/commerce.md, "Internal contracts").
public enum CatalogContract {
    /// `{product_ids}` → the products the catalog knows, archived ones flagged.
    public static let lookupProducts = Contract<ProductLookup, ProductSummaries>(
        service: "catalog", function: "lookupProducts", idempotent: true)
    /// All lines or none, idempotent on the order id.
    public static let reserveStock = Contract<StockReservationRequest, StockReservation>(
        service: "catalog", function: "reserveStock", idempotent: true)
    /// A paid order's reservation becomes a sale.
    public static let commitStock = Contract<OrderReference, StockReservationStatus>(
        service: "catalog", function: "commitStock", idempotent: true)
    /// The order's reservation (or its committed units) goes back to the shelf.
    public static let releaseStock = Contract<OrderReference, StockReservationStatus>(
        service: "catalog", function: "releaseStock", idempotent: true)
}

/// The body of `catalog.lookupProducts`.
public struct ProductLookup: Codable, Sendable, Equatable {
    public var productIDs: [String]

    public init(productIDs: [String]) { self.productIDs = productIDs }

    enum CodingKeys: String, CodingKey { case productIDs = "product_ids" }
}

/// What `catalog.lookupProducts` answers.
public struct ProductSummaries: Codable, Sendable, Equatable {
    public var products: [ProductSummary]

    public init(products: [ProductSummary]) { self.products = products }
}

/// What another service needs to price and show a product.
public struct ProductSummary: Codable, Sendable, Equatable {
    public var id: String
    public var sku: String
    public var name: String
    /// Minor units of ``currency``.
    public var price: Int
    public var currency: String
    public var available: Int
    public var archived: Bool
    public var imageURL: String?
    /// The product's variants (absent for a product without any): a product that has them is
    /// bought only as one of them.
    public var variants: [VariantSummary]?

    public init(
        id: String, sku: String, name: String, price: Int, currency: String, available: Int, archived: Bool,
        imageURL: String? = nil, variants: [VariantSummary]? = nil
    ) {
        self.id = id
        self.sku = sku
        self.name = name
        self.price = price
        self.currency = currency
        self.available = available
        self.archived = archived
        self.imageURL = imageURL
        self.variants = variants
    }

    enum CodingKeys: String, CodingKey {
        case id, sku, name, price, currency, available, archived, variants
        case imageURL = "image_url"
    }

    /// The variant `id` of this product, or nil.
    public func variant(_ id: String) -> VariantSummary? { variants?.first { $0.id == id } }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sku, forKey: .sku)
        try container.encode(name, forKey: .name)
        try container.encode(price, forKey: .price)
        try container.encode(currency, forKey: .currency)
        try container.encode(available, forKey: .available)
        try container.encode(archived, forKey: .archived)
        try container.encode(imageURL, forKey: .imageURL)  // null when the product has no image
        try container.encodeIfPresent(variants, forKey: .variants)
    }
}

/// One variant as another service needs it: its SKU, option text, effective price and stock.
public struct VariantSummary: Codable, Sendable, Equatable {
    public var id: String
    public var sku: String
    /// The chosen value per option, e.g. `{"Size": "M"}`.
    public var options: [String: String]
    /// The options as a buyer reads them, in the product's option order: `"Size: M, Colour: Red"`.
    public var optionText: String
    /// Effective price (the variant's override, or the product's), minor units.
    public var price: Int
    public var available: Int
    public var archived: Bool

    public init(
        id: String, sku: String, options: [String: String], optionText: String, price: Int, available: Int,
        archived: Bool
    ) {
        self.id = id
        self.sku = sku
        self.options = options
        self.optionText = optionText
        self.price = price
        self.available = available
        self.archived = archived
    }

    enum CodingKeys: String, CodingKey {
        case id, sku, options, price, available, archived
        case optionText = "option_text"
    }
}

/// The body of `catalog.reserveStock`.
public struct StockReservationRequest: Codable, Sendable, Equatable {
    public var orderID: String
    public var lines: [ProductQuantity]
    /// Seconds the reservation holds before the expiry schedule releases it (the catalog's
    /// default when absent).
    public var ttlSeconds: Int?

    public init(orderID: String, lines: [ProductQuantity], ttlSeconds: Int? = nil) {
        self.orderID = orderID
        self.lines = lines
        self.ttlSeconds = ttlSeconds
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case lines
        case ttlSeconds = "ttl_seconds"
    }

    /// A `ttl_seconds` with a fraction is a 422 naming it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try container.decode(String.self, forKey: .orderID)
        lines = try container.decode([ProductQuantity].self, forKey: .lines)
        ttlSeconds = try container.decodeWholeNumber(forKey: .ttlSeconds)
    }
}

/// One product (or one variant of it) and how many units of it.
public struct ProductQuantity: Codable, Sendable, Equatable {
    public var productID: String
    /// The variant, for a product sold as variants (docs/commerce.md, "Variants"); absent otherwise.
    public var variantID: String?
    public var quantity: Int

    public init(productID: String, variantID: String? = nil, quantity: Int) {
        self.productID = productID
        self.variantID = variantID
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case variantID = "variant_id"
        case quantity
    }

    /// A quantity with a fraction or past the integer range is a 422 naming `lines[i].quantity`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        productID = try container.decode(String.self, forKey: .productID)
        variantID = try container.decodeIfPresent(String.self, forKey: .variantID)
        quantity = try container.decode(WholeNumber.self, forKey: .quantity).value
    }

    /// `variant_id` is left out for a plain product, so callers that know nothing of variants
    /// see the body they always did.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(productID, forKey: .productID)
        try container.encodeIfPresent(variantID, forKey: .variantID)
        try container.encode(quantity, forKey: .quantity)
    }
}

/// Where an order's reservation stands.
public enum StockStatus: String, Codable, Sendable {
    case active, committed, released, returned, none
}

/// A reservation as `catalog.reserveStock` answers it.
public struct StockReservation: Codable, Sendable, Equatable {
    public var orderID: String
    public var status: StockStatus
    /// RFC 3339 UTC; after it the expiry schedule releases an `active` reservation.
    public var expiresAt: String

    public init(orderID: String, status: StockStatus, expiresAt: String) {
        self.orderID = orderID
        self.status = status
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case status
        case expiresAt = "expires_at"
    }
}

/// The body of `catalog.commitStock` and `catalog.releaseStock`.
public struct OrderReference: Codable, Sendable, Equatable {
    public var orderID: String

    public init(orderID: String) { self.orderID = orderID }

    enum CodingKeys: String, CodingKey { case orderID = "order_id" }
}

/// `{order_id, status}`: where a reservation stands after a commit or release.
public struct StockReservationStatus: Codable, Sendable, Equatable {
    public var orderID: String
    public var status: StockStatus

    public init(orderID: String, status: StockStatus) {
        self.orderID = orderID
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case status
    }
}
