import Contracts
import ShopWeb
import SokoFunctions

/// The orders table the dashboard and the orders list share.
enum SalesTable {
    static func table(_ rows: HTML) -> HTML {
        """
        <div class="table"><table class="fit">
        <thead><tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col" class="num">Total</th></tr></thead>
        <tbody>\(rows)</tbody>
        </table></div>
        """
    }

    static func row(_ order: OrderDocument) -> HTML {
        """
        <tr><td><a href="/admin/sales/\(order.id)">\(ConsoleLayout.short(order.id))</a><br><small>\(ConsoleLayout.time(order.createdAt)) · \(order.shippingAddress.name), \(order.shippingAddress.city)</small></td>\
        <td><span class="badge \(order.status)">\(StatusText.order(order.status))</span></td>\
        <td class="num">\(MoneyText.format(order.total, currency: order.currency ?? "KES"))</td></tr>
        """
    }
}

/// Order states as the merchant reads them.
enum StatusText {
    static let orderStates = ["pending_payment", "confirmed", "paid", "shipped", "delivered", "cancelled", "refunded"]

    static func order(_ status: String) -> String {
        switch status {
        case "pending_payment": "Awaiting payment"
        case "confirmed": "Pay on delivery"
        case "paid": "Paid"
        case "shipped": "Shipped"
        case "delivered": "Delivered"
        case "cancelled": "Cancelled"
        case "refunded": "Refunded"
        default: status
        }
    }
}
