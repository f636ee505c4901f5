/// An order as Orders' routes answer it (openapi.yaml `Order`): `GET /orders/{id}`, `GET
/// /guest/orders/{id}`, `GET /guest/order`, the items of `GET /orders` and `GET /admin/orders`,
/// the 201 of `POST /orders` and `POST /guest/orders`, and `GET /admin/orders/{id}` (which adds
/// `placed_at`, `paid_at`, `transitions` and `next_states`). Decoded by the pages that show orders:
/// the console's sales pages and the storefront's order pages. Orders encodes it from its `Order`
/// (Order.swift), so the two are tested against each other (OrdersTests, OrderDocumentTests).
///
/// Keys every answer carries are required; nullable keys, and keys only some answers carry (a
/// guest order's contact, the admin detail's timeline), are optional. Unknown keys are ignored.
public struct OrderDocument: Decodable, Sendable, Equatable {
    public var id: String
    /// The customer's id, or `guest:<hash of the email>` for a guest order.
    public var customerID: String
    /// `pending_payment`, `confirmed`, `paid`, `shipped`, `delivered`, `cancelled`, `refunded`.
    public var status: String
    /// Nil only while the order is not yet priced.
    public var currency: String?
    /// Minor units of ``currency``.
    public var subtotal: Int
    /// The coupon's discount off the subtotal (0 without one), and its code.
    public var discount: Int
    public var couponCode: String?
    public var shipping: Int
    /// Tax added on top, or (``pricesIncludeVAT``) the VAT the total contains at ``vatRateBasisPoints``.
    public var tax: Int
    public var total: Int
    public var pricesIncludeVAT: Bool
    public var vatRateBasisPoints: Int?
    public var lines: [Line]
    public var shippingAddress: Address
    /// The delivery zone chosen at checkout (nil in a shop without zones).
    public var delivery: Delivery?
    /// `online`, `cash_on_delivery` or `mpesa_on_delivery`.
    public var paymentMethod: String
    public var carrier: String?
    public var trackingNumber: String?
    public var createdAt: String
    public var updatedAt: String
    /// Only on a guest order: the email it was placed with and the phone (`2547…`), if given.
    public var guestEmail: String?
    public var guestPhone: String?
    /// Only in `GET /admin/orders/{id}` (and null there until it happens).
    public var placedAt: String?
    public var paidAt: String?
    /// Only in `GET /admin/orders/{id}`: the state changes, oldest first, and the states an admin
    /// may move the order to next.
    public var transitions: [Step]?
    public var nextStates: [String]?

    enum CodingKeys: String, CodingKey {
        case id, status, currency, subtotal, discount, shipping, tax, total, lines, delivery, carrier, transitions
        case customerID = "customer_id"
        case couponCode = "coupon_code"
        case pricesIncludeVAT = "prices_include_vat"
        case vatRateBasisPoints = "vat_rate_bps"
        case shippingAddress = "shipping_address"
        case paymentMethod = "payment_method"
        case trackingNumber = "tracking_number"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case guestEmail = "guest_email"
        case guestPhone = "guest_phone"
        case placedAt = "placed_at"
        case paidAt = "paid_at"
        case nextStates = "next_states"
    }

    /// One order line: the product (and variant) as it was when the order was placed.
    public struct Line: Decodable, Sendable, Equatable {
        public var productID: String
        public var sku: String
        public var name: String
        public var unitPrice: Int
        public var quantity: Int
        public var lineTotal: Int
        /// Only for a variant: its id and its options as text (`Size: 42`).
        public var variantID: String?
        public var optionText: String?

        enum CodingKeys: String, CodingKey {
            case sku, name, quantity
            case productID = "product_id"
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
            case variantID = "variant_id"
            case optionText = "option_text"
        }
    }

    /// Where the order goes.
    public struct Address: Decodable, Sendable, Equatable {
        public var name: String
        public var line1: String
        public var line2: String?
        public var city: String
        public var postalCode: String?
        /// ISO 3166-1 alpha-2.
        public var country: String
        public var phone: String?

        enum CodingKeys: String, CodingKey {
            case name, line1, line2, city, country, phone
            case postalCode = "postal_code"
        }
    }

    /// The delivery zone as it was at checkout; `fee` is the order's `shipping`.
    public struct Delivery: Decodable, Sendable, Equatable {
        public var zone: String
        public var name: String
        public var fee: Int
        public var pickup: Bool
    }

    /// One state change: an admin detail's `transitions` (`actor` the whole actor, `from` always
    /// set) or an item of an order's timeline (`GET /orders/{id}/timeline`: `from` null for the
    /// placement, `actor` the role, `actor_id` on the admin timeline only).
    public struct Step: Decodable, Sendable, Equatable {
        public var from: String?
        public var to: String
        public var at: String
        public var actor: String
        public var actorID: String?
        /// Why it was cancelled, if it was.
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case from, to, at, actor, reason
            case actorID = "actor_id"
        }
    }

    /// `GET /orders/{id}/timeline` and `GET /admin/orders/{id}/timeline`: `{order_id, status, items}`.
    public struct Timeline: Decodable, Sendable, Equatable {
        public var orderID: String
        public var status: String
        public var items: [Step]

        enum CodingKeys: String, CodingKey {
            case status, items
            case orderID = "order_id"
        }
    }

    /// A page of `GET /orders` or `GET /admin/orders`: `{items, next_cursor}`.
    public struct Page: Decodable, Sendable, Equatable {
        public var items: [OrderDocument]
        /// Pass as `?cursor=` for the next page; nil on the last.
        public var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
    }
}
