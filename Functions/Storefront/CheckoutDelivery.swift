import Contracts
import ShopWeb
import SokoFunctions

/// The checkout's delivery and payment choices: a radio list of the shop's active delivery zones
/// with their fees, and — when a zone takes it — paying on delivery (cash or M-Pesa to the rider)
/// instead of online. Plain HTML: without script the form cannot hide pay-on-delivery for zones
/// that do not take it, so the choice names the zones that do, and Orders refuses the others
/// (422 `payment-method-unavailable`, shown above the form).
enum CheckoutDelivery {
    typealias Zone = DeliveryZoneDocument
    typealias ZoneList = DeliveryZoneDocument.List

    /// The active zones (none when the shop has none, or the list cannot be read: the order then
    /// says why it was refused).
    static func zones(_ web: inout WebRequest) async throws -> [Zone] {
        let answer = try await web.call("orders", "listDeliveryZones")
        guard answer.succeeded else { return [] }
        return (try? answer.decode(ZoneList.self).items) ?? []
    }

    /// The two fieldsets, with the shopper's earlier choice (`entries`) checked; empty without zones.
    static func fieldsets(_ zones: [Zone], entries: [String: String], shop: Storefront) -> HTML {
        guard !zones.isEmpty else { return .empty }
        let chosen = entries["delivery_zone"] ?? (zones.count == 1 ? zones[0].id : nil)
        let options = zones.map { zone -> HTML in
            let fee = zone.fee == 0 ? "free" : shop.money(zone.fee, zone.currency)
            let free: HTML = zone.freeAbove.map { " (free from \(shop.money($0, zone.currency)))" } ?? .empty
            let checked: HTML = chosen == zone.id ? " checked" : .empty
            return """
                <div class="choice"><input type="radio" id="zone-\(zone.id)" name="delivery_zone" value="\(zone.id)" required\(checked)>\
                <label for="zone-\(zone.id)">\(zone.name)\(zone.pickup ? " (pickup station)" : "") · <span class="price">\(fee)</span>\(free)</label></div>
                """
        }
        let onDelivery = zones.filter(\.cashOnDelivery)
        let method = entries["payment_method"] ?? "online"
        func payment(_ value: String, _ label: String) -> HTML {
            let checked: HTML = method == value ? " checked" : .empty
            return """
                <div class="choice"><input type="radio" id="pay-\(value)" name="payment_method" value="\(value)"\(checked)>\
                <label for="pay-\(value)">\(label)</label></div>
                """
        }
        let payments: HTML =
            onDelivery.isEmpty
            ? .empty
            : """
            <fieldset><legend>Payment</legend>
            \(payment("online", "Pay now (M-Pesa or card)"))
            \(payment("cash_on_delivery", "Cash on delivery"))
            \(payment("mpesa_on_delivery", "M-Pesa on delivery"))
            <p class="hint">Pay on delivery is available for \(onDelivery.map(\.name).joined(separator: ", ")).</p>
            </fieldset>
            """
        return """
            <fieldset><legend>Delivery</legend>
            \(HTML.join(options))
            </fieldset>
            \(payments)
            """
    }

    /// The form's choice as the order body's `delivery_zone` and `payment_method` (nil when absent).
    static func choice(_ form: FormBody) -> (zone: String?, method: String?) {
        let zone = form["delivery_zone"].flatMap { $0.isEmpty ? nil : $0 }
        let method = form["payment_method"].flatMap { $0.isEmpty || $0 == "online" ? nil : $0 }
        return (zone, method)
    }
}
