import Contracts
import SokoFunctions

/// What the confirmation email and SMS say about delivery: the zone and its fee, and how the
/// money is taken when the order is paid on delivery.
extension OrderEvent {
    /// "Delivery: Nairobi CBD, KES 200.00" ("Pickup station: …" for one, "free" when waived); nil
    /// for an order placed without a zone.
    var deliveryLine: String? {
        guard let zone = deliveryZone.map(MailHeader.singleLine), !zone.isEmpty else { return nil }
        let fee = shipping == 0 ? "free" : Money.format(shipping, currency: currency)
        return "\(deliveryPickup == true ? "Pickup station" : "Delivery"): \(String(zone.prefix(80))), \(fee)"
    }

    /// Whether the customer pays the rider (cash or M-Pesa) rather than online.
    var paysOnDelivery: Bool { paymentMethod == "cash_on_delivery" || paymentMethod == "mpesa_on_delivery" }

    /// "Pay on delivery: KES 1,200.00 in cash when the order arrives." (or by M-Pesa); nil when paid online.
    var payOnDeliveryLine: String? {
        guard paysOnDelivery else { return nil }
        let how = paymentMethod == "mpesa_on_delivery" ? "by M-Pesa" : "in cash"
        return "Pay on delivery: \(Money.format(total, currency: currency)) \(how) when the order arrives."
    }
}
