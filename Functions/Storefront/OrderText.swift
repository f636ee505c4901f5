import Contracts
import ShopWeb
import SokoFunctions

/// Order states in the shopper's words.
enum OrderText {
    static func status(_ status: String) -> String {
        switch status {
        case "pending_payment": "Awaiting payment"
        case "confirmed": "Confirmed, pay on delivery"
        case "paid": "Paid"
        case "shipped": "Shipped"
        case "delivered": "Delivered"
        case "cancelled": "Cancelled"
        case "refunded": "Refunded"
        case "placing": "Being placed"
        case "rejected": "Not placed"
        default: status
        }
    }

    /// Whether the order has been paid for (and perhaps moved on since).
    static func isPaid(_ status: String) -> Bool { ["paid", "shipped", "delivered"].contains(status) }

    /// The order's path: `/account/orders/{id}` plus `suffix`.
    static func path(_ id: String, _ suffix: String = "") -> String {
        "/account/orders/" + FormEncoding.encode(id) + suffix
    }

    /// The order page's "Deliver to" line (name, street and city).
    static func deliverTo(_ address: OrderDocument.Address) -> HTML {
        "<p>Deliver to: \(address.name), \(address.line1)\(address.line2.map { ", \($0)" as HTML }), \(address.city)</p>"
    }
}
