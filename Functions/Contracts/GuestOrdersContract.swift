import SokoFunctions

/// The orders service's internal functions for guest orders (orders placed without an account).
public enum GuestOrdersContract {
    /// A fresh order-access token for a guest order, with the guest's contact, for the mail that
    /// carries the order-access link (Notifications mints it as it composes the mail, so no token
    /// is ever written in plain text). 404 `order-not-found` for a missing or non-guest order.
    public static let orderAccess = Contract<GuestOrderReference, GuestOrderAccess>(
        service: "orders", function: "guestOrderAccess", idempotent: false)
    /// Where to write to a guest (`customer_id` `guest:…`): the address and phone of their latest
    /// order. 404 when Orders knows no such guest.
    public static let contact = Contract<CustomerReference, GuestContact>(
        service: "orders", function: "guestContact", idempotent: true)

    /// Whether `customerID` names a guest rather than an account.
    public static func isGuest(_ customerID: String) -> Bool { customerID.hasPrefix("guest:") }
}

/// The body of `orders.guestOrderAccess` (`{order_id}`).
public struct GuestOrderReference: Codable, Sendable, Equatable {
    public var orderID: String

    public init(orderID: String) { self.orderID = orderID }

    enum CodingKeys: String, CodingKey { case orderID = "order_id" }
}

/// A minted order-access token: `token` goes into the link, `expires_at` is Unix seconds.
public struct GuestOrderAccess: Codable, Sendable, Equatable {
    public var token: String
    public var expiresAt: Int
    public var contact: GuestContact

    public init(token: String, expiresAt: Int, contact: GuestContact) {
        self.token = token
        self.expiresAt = expiresAt
        self.contact = contact
    }

    enum CodingKeys: String, CodingKey {
        case token, contact
        case expiresAt = "expires_at"
    }
}

/// A guest's contact as their order holds it: `name` is the shipping address's.
public struct GuestContact: Codable, Sendable, Equatable {
    public var email: String
    public var phone: String?
    public var name: String

    public init(email: String, phone: String?, name: String) {
        self.email = email
        self.phone = phone
        self.name = name
    }
}
