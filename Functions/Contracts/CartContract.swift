import SokoFunctions

/// The cart's internal functions other services call (docs/commerce.md, "Internal contracts").
public enum CartContract {
    /// A customer's cart lines, oldest first, for an order to price.
    public static let checkoutCart = Contract<CustomerReference, CartCheckout>(
        service: "cart", function: "checkoutCart", idempotent: true)
    /// Takes a placed order's units out of the customer's cart, once per order (204).
    public static let orderPlaced = Contract<PlacedOrder, NoInput>(
        service: "cart", function: "orderPlaced", idempotent: true)
}

/// The body of a call about one customer (`{customer_id}`).
public struct CustomerReference: Codable, Sendable, Equatable {
    public var customerID: String
    /// A guest cart's token (`X-Cart-Token`), for a guest's order: the cart is then that one.
    public var cartToken: String?

    public init(customerID: String, cartToken: String? = nil) {
        self.customerID = customerID
        self.cartToken = cartToken
    }

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id"
        case cartToken = "cart_token"
    }
}

/// What `cart.checkoutCart` answers: the cart's lines (none without a cart).
public struct CartCheckout: Codable, Sendable, Equatable {
    public var items: [ProductQuantity]

    public init(items: [ProductQuantity]) { self.items = items }
}

/// An order's lines as the cart clears them: the body of `cart.orderPlaced` and the part of the
/// `order.placed` event the cart reads (other keys are ignored).
public struct PlacedOrder: Codable, Sendable, Equatable {
    public var orderID: String
    public var customerID: String
    public var lines: [ProductQuantity]
    /// False for a "buy now" order that named its own lines: the cart was not ordered.
    public var fromCart: Bool?
    /// A guest order's cart token (only in Orders' call, never in the event): the guest cart to
    /// clear. The `order.placed` event of a guest order leaves the cart to this call.
    public var cartToken: String?

    public init(
        orderID: String, customerID: String, lines: [ProductQuantity], fromCart: Bool? = nil, cartToken: String? = nil
    ) {
        self.orderID = orderID
        self.customerID = customerID
        self.lines = lines
        self.fromCart = fromCart
        self.cartToken = cartToken
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case customerID = "customer_id"
        case lines
        case fromCart = "from_cart"
        case cartToken = "cart_token"
    }
}
