import Contracts

/// The texts: short (one or two SMS segments), plain, with the order's reference. Names and
/// carrier fields are the customer's or admin's input, kept to one line.
enum SmsTemplates {
    static func firstName(_ name: String) -> String {
        String((MailHeader.singleLine(name).split(separator: " ").first ?? "").prefix(20))
    }

    static func greeting(_ name: String) -> String {
        let first = firstName(name)
        return first.isEmpty ? "" : "\(first), "
    }

    static func orderPlaced(_ order: OrderEvent, name: String, shop: String) -> String {
        let received =
            "\(shop): \(greeting(name))we received order \(order.reference) of \(Money.format(order.total, currency: order.currency))."
        let payment = order.payOnDeliveryLine ?? "We hold it until it is paid."
        return ([received] + [order.deliveryLine.map { $0 + "." }, payment].compactMap { $0 }).joined(separator: " ")
    }

    static func orderPaid(_ order: OrderEvent, name: String, shop: String) -> String {
        var text =
            "\(shop): \(greeting(name))payment of \(Money.format(order.total, currency: order.currency)) for order \(order.reference) received."
        if let receipt = order.payment?.receipt.map(MailHeader.singleLine), !receipt.isEmpty,
            ["mpesa", "m-pesa"].contains(order.payment?.method.lowercased() ?? "")
        {
            text += " M-Pesa ref \(receipt)."
        }
        return text + " Thank you!"
    }

    static func orderShipped(_ order: OrderEvent, name: String, shop: String) -> String {
        var text = "\(shop): \(greeting(name))order \(order.reference) has shipped"
        let carrier = order.carrier.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
        let tracking = order.trackingNumber.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
        if let carrier { text += " with \(carrier)" }
        text += "."
        if let tracking { text += " Tracking: \(tracking)." }
        return text
    }

    static func refund(_ refund: PaymentRefunded, name: String, shop: String) -> String {
        let reference = "#" + String(refund.orderID.prefix(8)).uppercased()
        let destination = ["mpesa", "m-pesa"].contains(refund.method.lowercased()) ? "to your M-Pesa" : "to your card"
        return
            "\(shop): \(greeting(name))we refunded \(Money.format(refund.amount, currency: refund.currency)) for order \(reference) \(destination)."
    }
}
