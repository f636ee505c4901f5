import Contracts
import ShopWeb
import SokoFunctions

/// The order page's delivery parts: the zone and its fee, pay on delivery, and the order's
/// timeline (`GET /orders/{id}/timeline`) in the shopper's words.
enum OrderDeliveryView {
    /// The delivery line (zone and fee, or the flat fee of a shop without zones) and, for an
    /// order paid on delivery that is not yet collected, what to have ready.
    static func summary(_ order: OrderDocument, shop: Storefront) -> HTML {
        let fee = shop.money(order.shipping, order.currency)
        let line: HTML =
            order.delivery.map {
                "<p id=\"order-delivery\">\($0.pickup ? "Pickup station" : "Delivery"): \($0.name) · \(fee)</p>"
            } ?? "<p>Delivery: \(fee)</p>"
        let method = order.paymentMethod
        guard method != "online" else { return line }
        let how = method == "mpesa_on_delivery" ? "M-Pesa on delivery" : "Cash on delivery"
        let due: HTML =
            order.status == "confirmed"
            ? " — please have \(shop.money(order.total, order.currency)) ready when it arrives." : "."
        return "\(line)<p id=\"order-payment\">Payment: \(how)\(due)</p>"
    }

    /// The order's timeline, or none when it cannot be read (the page still shows the order).
    static func timeline(_ web: inout WebRequest, _ id: String) async throws -> [OrderDocument.Step] {
        let answer = try await web.call("orders", "getOrderTimeline", RouteCall(pathParameters: ["id": id]))
        guard answer.succeeded else { return [] }
        return (try? answer.decode(OrderDocument.Timeline.self).items) ?? []
    }

    static func timelineSection(_ entries: [OrderDocument.Step]) -> HTML {
        guard !entries.isEmpty else { return .empty }
        let items = entries.map { entry -> HTML in
            let who: String =
                switch entry.actor {
                case "customer": "by you"
                case "admin": "by the shop"
                default: ""
                }
            let when = String(entry.at.prefix(16).map { $0 == "T" ? " " : $0 })
            return "<li><time datetime=\"\(entry.at)\">\(when) UTC</time> · \(OrderText.status(entry.to)) \(who)</li>"
        }
        return """
            <h2>Timeline</h2>
            <ol class="timeline" id="order-timeline">\(HTML.join(items))</ol>
            """
    }
}
