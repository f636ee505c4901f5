import ShopWeb
import SokoFunctions

/// The order page's delivery parts: the zone and its fee, pay on delivery, and the order's
/// timeline (`GET /orders/{id}/timeline`) in the shopper's words.
enum OrderDeliveryView {
    /// `delivery` as the order document carries it.
    struct Zone: Decodable, Sendable {
        var zone: String
        var name: String
        var fee: Int
        var pickup: Bool
    }

    struct Timeline: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            var from: String?
            var to: String
            var at: String
            var actor: String
        }
        var items: [Entry]
    }

    /// The delivery line (zone and fee, or the flat fee of a shop without zones) and, for an
    /// order paid on delivery that is not yet collected, what to have ready.
    static func summary(_ order: OrderData, shop: Storefront) -> HTML {
        let fee = shop.money(order.shipping, order.currency)
        let line: HTML =
            order.delivery.map {
                "<p id=\"order-delivery\">\($0.pickup ? "Pickup station" : "Delivery"): \($0.name) · \(fee)</p>"
            } ?? "<p>Delivery: \(fee)</p>"
        guard let method = order.paymentMethod, method != "online" else { return line }
        let how = method == "mpesa_on_delivery" ? "M-Pesa on delivery" : "Cash on delivery"
        let due: HTML =
            order.status == "confirmed"
            ? " — please have \(shop.money(order.total, order.currency)) ready when it arrives." : "."
        return "\(line)<p id=\"order-payment\">Payment: \(how)\(due)</p>"
    }

    /// The order's timeline, or none when it cannot be read (the page still shows the order).
    static func timeline(_ web: inout WebRequest, _ id: String) async throws -> [Timeline.Entry] {
        let answer = try await web.call("orders", "getOrderTimeline", RouteCall(pathParameters: ["id": id]))
        guard answer.succeeded else { return [] }
        return (try? answer.decode(Timeline.self).items) ?? []
    }

    static func timelineSection(_ entries: [Timeline.Entry]) -> HTML {
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
