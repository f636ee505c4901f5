import SokoFunctions

// Wire types of the catalog and cart functions this service calls (docs/commerce.md,
// "Internal contracts"). Bundles do not import each other, so the shapes are repeated here.

struct CheckoutCartInput: Encodable, Sendable {
    var customerID: String
    enum CodingKeys: String, CodingKey { case customerID = "customer_id" }
}

struct CheckoutCartOutput: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var productID: String
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case quantity
        }
    }
    var items: [Item]
}

struct LookupProductsInput: Encodable, Sendable {
    var productIDs: [String]
    enum CodingKeys: String, CodingKey { case productIDs = "product_ids" }
}

struct LookupProductsOutput: Decodable, Sendable {
    struct Product: Decodable, Sendable {
        var id: String
        var sku: String
        var name: String
        var price: Int
        var currency: String
        var archived: Bool?
    }
    var products: [Product]
}

struct StockLine: Codable, Sendable {
    var productID: String
    var quantity: Int
    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case quantity
    }
}

struct ReserveStockInput: Encodable, Sendable {
    var orderID: String
    var lines: [StockLine]
    var ttlSeconds: Int
    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case lines
        case ttlSeconds = "ttl_seconds"
    }
}

struct StockOrderInput: Encodable, Sendable {
    var orderID: String
    enum CodingKeys: String, CodingKey { case orderID = "order_id" }
}

struct ReservationOutput: Decodable, Sendable {
    var orderID: String
    var status: String
    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case status
    }
}

/// The catalog's stock calls, by the order they are for.
enum Stock {
    /// All or nothing, idempotent on the order id (a repeat returns the same reservation).
    static func reserve(_ order: Order, ttl: Int, context: FunctionContext) async throws {
        let lines = order.lines.map { StockLine(productID: $0.productID, quantity: $0.quantity) }
        _ = try await context.invoke(
            "catalog", "reserveStock", ReserveStockInput(orderID: order.id, lines: lines, ttlSeconds: ttl),
            as: ReservationOutput.self, idempotent: true)
    }

    /// Releases the order's reservation (or returns committed stock to the shelf), then clears the
    /// order's `release_due` mark. Idempotent; a failure is logged and left to the expiry schedule,
    /// which retries every order still marked.
    @discardableResult
    static func release(orderID: String, context: FunctionContext) async -> Bool {
        do {
            _ = try await context.invoke(
                "catalog", "releaseStock", StockOrderInput(orderID: orderID), as: ReservationOutput.self, idempotent: true)
            try await context.store.execute("UPDATE orders SET release_due = 0 WHERE id = $1", [.text(orderID)])
            return true
        } catch let error as InvocationError where (400..<500).contains(error.status) && ![408, 429].contains(error.status) {
            // The catalog refused the request itself: repeating it cannot help, and a mark that never
            // clears would hold a place in every expiry run.
            context.logger.error(
                "stock release refused; not retried",
                metadata: ["order_id": "\(orderID)", "error": "\(error)"])
            _ = try? await context.store.execute("UPDATE orders SET release_due = 0 WHERE id = $1", [.text(orderID)])
            return false
        } catch {
            context.logger.warning(
                "stock release failed; the expiry schedule retries it",
                metadata: ["order_id": "\(orderID)", "error": "\(error)"])
            return false
        }
    }
}

/// `cart.orderPlaced`: takes a cart order's units out of the cart (idempotent on the order id).
enum CartClearing {
    struct Input: Encodable, Sendable {
        var orderID: String
        var customerID: String
        var lines: [Line]
        var fromCart = true

        struct Line: Encodable, Sendable {
            var productID: String
            var quantity: Int
            enum CodingKeys: String, CodingKey {
                case productID = "product_id"
                case quantity
            }
        }

        enum CodingKeys: String, CodingKey {
            case lines
            case orderID = "order_id"
            case customerID = "customer_id"
            case fromCart = "from_cart"
        }
    }

    static func clear(_ order: Order, context: FunctionContext) async {
        let input = Input(
            orderID: order.id, customerID: order.customerID,
            lines: order.lines.map { Input.Line(productID: $0.productID, quantity: $0.quantity) })
        do {
            _ = try await context.invoke("cart", "orderPlaced", input, as: NoInput.self, idempotent: true)
        } catch {
            context.logger.warning(
                "the cart was not cleared now; order.placed will do it",
                metadata: ["order_id": "\(order.id)", "error": "\(error)"])
        }
    }
}
