import SokoFunctions

// The JSON documents of the admin routes the console reads (openapi.yaml), decoded for its pages.
// Only what the pages show; unknown keys are ignored, so the callees may grow.

/// A product from `catalog.adminListProducts` / `adminGetProduct`.
struct ProductRow: Decodable, Sendable {
    var id: String
    var sku: String
    var name: String
    var description: String
    var price: Int
    var currency: String
    var categoryID: String
    var images: [String]
    var archived: Bool
    var available: Int
    var onHand: Int
    var reserved: Int
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, sku, name, description, price, currency, images, archived, available, reserved
        case categoryID = "category_id"
        case onHand = "on_hand"
        case updatedAt = "updated_at"
    }
}

/// A page of any `{items, next_cursor}` list.
struct ListPage<Item: Decodable & Sendable>: Decodable, Sendable {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

/// `catalog.listCategories`: the forest.
struct CategoryForest: Decodable, Sendable {
    var categories: [CategoryItem]

    /// Every category depth-first, with its depth (for indented choices).
    var flattened: [(category: CategoryItem, depth: Int)] {
        var out: [(CategoryItem, Int)] = []
        func walk(_ nodes: [CategoryItem], _ depth: Int) {
            for node in nodes {
                out.append((node, depth))
                if depth < 16 { walk(node.children, depth + 1) }
            }
        }
        walk(categories, 0)
        return out.map { (category: $0.0, depth: $0.1) }
    }
}

struct CategoryItem: Decodable, Sendable {
    var id: String
    var parentID: String?
    var name: String
    var slug: String
    var children: [CategoryItem]

    enum CodingKeys: String, CodingKey {
        case id, name, slug, children
        case parentID = "parent_id"
    }
}

/// An order from `orders.adminListOrders` and (with the timeline) `orders.adminGetOrder`.
struct OrderRow: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var sku: String
        var name: String
        var unitPrice: Int
        var quantity: Int
        var lineTotal: Int
        /// A variant's options as text (`Size: 42`).
        var optionText: String?

        enum CodingKeys: String, CodingKey {
            case sku, name, quantity
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
            case optionText = "option_text"
        }
    }

    struct Address: Decodable, Sendable {
        var name: String
        var line1: String
        var line2: String?
        var city: String
        var postalCode: String?
        var country: String
        var phone: String?

        enum CodingKeys: String, CodingKey {
            case name, line1, line2, city, country, phone
            case postalCode = "postal_code"
        }
    }

    struct Step: Decodable, Sendable {
        var from: String
        var to: String
        var at: String
        var actor: String
        var reason: String?
    }

    var id: String
    var customerID: String
    var status: String
    var currency: String?
    var subtotal: Int
    var shipping: Int
    var tax: Int
    var total: Int
    /// The coupon's discount (0 without one) and its code.
    var discount: Int?
    var couponCode: String?
    /// True when the total includes VAT and `tax` is the VAT it contains (at `vatRateBasisPoints`).
    var pricesIncludeVAT: Bool?
    var vatRateBasisPoints: Int?
    var lines: [Line]
    var shippingAddress: Address
    var carrier: String?
    var trackingNumber: String?
    var createdAt: String
    var paidAt: String?
    /// A guest order's contact (no account): shown instead of the `guest:…` customer id.
    var guestEmail: String?
    var guestPhone: String?
    var transitions: [Step]?
    var nextStates: [String]?
    /// The delivery zone chosen at checkout and how the order is paid (``ConsoleCollect``).
    var delivery: ConsoleCollect.Delivery?
    var paymentMethod: String?

    enum CodingKeys: String, CodingKey {
        case id, status, currency, subtotal, shipping, tax, total, lines, carrier, transitions
        case discount, delivery
        case paymentMethod = "payment_method"
        case customerID = "customer_id"
        case couponCode = "coupon_code"
        case pricesIncludeVAT = "prices_include_vat"
        case vatRateBasisPoints = "vat_rate_bps"
        case shippingAddress = "shipping_address"
        case trackingNumber = "tracking_number"
        case createdAt = "created_at"
        case paidAt = "paid_at"
        case guestEmail = "guest_email"
        case guestPhone = "guest_phone"
        case nextStates = "next_states"
    }
}

/// A row of `notifications.listNotifications`.
struct MailRow: Decodable, Sendable {
    var kind: String
    var recipient: String?
    var subject: String?
    var status: String
    var attempts: Int
    var lastError: String?
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case kind, recipient, subject, status, attempts
        case lastError = "last_error"
        case updatedAt = "updated_at"
    }
}
