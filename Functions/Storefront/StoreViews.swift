import SokoFunctions

// The parts of the other services' JSON answers the pages show, read leniently (a field the
// page does not use may change without breaking it). Their owners are the Catalog, Cart, Orders
// and Payments bundles; the pages reach them only through their HTTP routes. Orders are
// `Contracts.OrderDocument`, the one order document the console reads too.

struct ProductItem: Decodable, Sendable {
    var id: String
    var name: String
    var description: String?
    var price: Int
    var currency: String
    var available: Int?
    var images: [String]?
    var categoryID: String?

    enum CodingKeys: String, CodingKey {
        case id, name, description, price, currency, available, images
        case categoryID = "category_id"
    }
}

struct ProductPageData: Decodable, Sendable {
    var items: [ProductItem]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

struct CategoryItem: Decodable, Sendable {
    var id: String
    var name: String
    var slug: String
    var children: [CategoryItem]?
}

struct CategoryTreeData: Decodable, Sendable {
    var categories: [CategoryItem]

    /// Every category, parents before their children.
    var flattened: [CategoryItem] {
        var out: [CategoryItem] = []
        func walk(_ items: [CategoryItem], depth: Int) {
            for item in items where depth < 16 {
                out.append(item)
                walk(item.children ?? [], depth: depth + 1)
            }
        }
        walk(categories, depth: 0)
        return out
    }
}

struct CartData: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var productID: String
        var name: String?
        var unitPrice: Int?
        var currency: String?
        var quantity: Int
        var lineTotal: Int?
        var available: Int?
        var warning: String?
        var variantID: String?
        var optionText: String?

        enum CodingKeys: String, CodingKey {
            case name, currency, quantity, available, warning
            case productID = "product_id"
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
            case variantID = "variant_id"
            case optionText = "option_text"
        }
    }

    var items: [Line]
    var subtotal: Int
    var currency: String?
    var itemCount: Int

    enum CodingKeys: String, CodingKey {
        case items, subtotal, currency
        case itemCount = "item_count"
    }
}

struct StartedPayment: Decodable, Sendable {
    var paymentID: String
    var status: String
    var paymentIntentID: String?
    var clientSecret: String?
    var customerMessage: String?

    enum CodingKeys: String, CodingKey {
        case status
        case paymentID = "payment_id"
        case paymentIntentID = "payment_intent_id"
        case clientSecret = "client_secret"
        case customerMessage = "customer_message"
    }
}

struct PaymentData: Decodable, Sendable {
    var id: String
    var orderID: String
    var method: String
    var status: String
    var phone: String?
    var receipt: String?
    var resultDesc: String?
    var cardLast4: String?

    enum CodingKeys: String, CodingKey {
        case id, method, status, phone, receipt
        case orderID = "order_id"
        case resultDesc = "result_desc"
        case cardLast4 = "card_last4"
    }
}
