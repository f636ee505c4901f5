import Contracts

/// The five emails, each as text and HTML. `shop` is the sender's display name ("Soko").
/// Text bodies take values as they are (one line each); HTML bodies escape every value.
enum MailTemplates {
    static func welcome(_ user: UserContact, shop: String) -> MailContent {
        let name = MailHeader.singleLine(user.name)
        let subject = "Welcome to \(shop), \(name)"
        let text = """
            \(MailLayout.greeting(name))

            Welcome to \(shop)! Your account for \(user.email) is ready.

            Browse the catalog, fill your cart and pay with M-Pesa or a card when you check out.

            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Welcome to \(shop)", shop: shop,
            paragraphs: [
                HTML.escape(MailLayout.greeting(name)),
                "Welcome to \(HTML.escape(shop))! Your account for <strong>\(HTML.escape(user.email))</strong> is ready.",
                "Browse the catalog, fill your cart and pay with M-Pesa or a card when you check out.",
            ])
        return MailContent(subject: subject, text: text, html: html)
    }

    static func orderConfirmation(_ order: OrderEvent, name: String, shop: String) -> MailContent {
        let subject = "We received your order \(order.reference)"
        let intro =
            order.paysOnDelivery
            ? "Thank you for your order \(order.orderID). We have set the items below aside for you."
            : "Thank you for your order \(order.orderID). We are holding the items below for you until it is paid."
        let delivery = [order.deliveryLine, order.payOnDeliveryLine].compactMap { $0 }
        let text = """
            \(MailLayout.greeting(name))

            \(([intro] + delivery).joined(separator: "\n"))

            \(MailLayout.textSummary(order))
            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Order \(order.reference) received", shop: shop,
            paragraphs: [HTML.escape(MailLayout.greeting(name)), HTML.escape(intro)] + delivery.map(HTML.escape),
            extra: MailLayout.htmlSummary(order))
        return MailContent(subject: subject, text: text, html: html)
    }

    static func paymentReceipt(_ order: OrderEvent, name: String, shop: String) -> MailContent {
        let subject = "Receipt for your order \(order.reference)"
        let paid =
            "We received your payment of \(Money.format(order.total, currency: order.currency)) for order \(order.orderID)."
        let method = paymentLine(order.payment)
        let text = """
            \(MailLayout.greeting(name))

            \(paid)
            \(method.map { "\($0)\n" } ?? "")
            \(MailLayout.textSummary(order))
            We will write again when it ships.

            The \(shop) team
            """
        var paragraphs = [HTML.escape(MailLayout.greeting(name)), HTML.escape(paid)]
        if let method { paragraphs.append(HTML.escape(method)) }
        let html = MailLayout.html(
            title: "Payment received", shop: shop, paragraphs: paragraphs,
            extra: MailLayout.htmlSummary(order) + "\n<p style=\"margin:16px 0 0\">We will write again when it ships.</p>")
        return MailContent(subject: subject, text: text, html: html)
    }

    /// "M-Pesa receipt QKX12ABC", "Card ending in 4242", or nil when the event does not say.
    static func paymentLine(_ payment: OrderEvent.Payment?) -> String? {
        guard let payment else { return nil }
        let receipt = payment.receipt.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        let last4 = payment.cardLast4.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        switch payment.method.lowercased() {
        case "mpesa", "m-pesa":
            return receipt.map { "Paid with M-Pesa, receipt number \($0)." } ?? "Paid with M-Pesa."
        case "cash":
            return receipt.map { "Paid in cash on delivery, receipt \($0)." } ?? "Paid in cash on delivery."
        default:
            if let last4 { return "Paid by card ending in \(last4)." }
            if let receipt { return "Payment reference \(receipt)." }
            return payment.method.lowercased() == "stripe" || payment.method.lowercased() == "card" ? "Paid by card." : nil
        }
    }

    static func shippingUpdate(_ order: OrderEvent, delivered: Bool, name: String, shop: String) -> MailContent {
        let subject = delivered ? "Your order \(order.reference) was delivered" : "Your order \(order.reference) is on its way"
        var facts: [String] = []
        if delivered {
            facts.append("Your order \(order.orderID) was delivered. We hope you enjoy it.")
        } else {
            facts.append("Good news: your order \(order.orderID) has shipped.")
        }
        let carrier = order.carrier.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        let tracking = order.trackingNumber.map(MailHeader.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        var details: [String] = []
        if let carrier { details.append("Carrier: \(carrier)") }
        if let tracking { details.append("Tracking number: \(tracking)") }
        let text = """
            \(MailLayout.greeting(name))

            \(facts.joined(separator: "\n"))
            \(details.isEmpty ? "" : "\n" + details.joined(separator: "\n") + "\n")
            The \(shop) team
            """
        var paragraphs = [HTML.escape(MailLayout.greeting(name))] + facts.map(HTML.escape)
        if !details.isEmpty { paragraphs.append(details.map(HTML.escape).joined(separator: "<br>")) }
        let html = MailLayout.html(title: delivered ? "Delivered" : "On its way", shop: shop, paragraphs: paragraphs)
        return MailContent(subject: subject, text: text, html: html)
    }

    static func cancellation(_ order: OrderEvent, name: String, shop: String) -> MailContent {
        let subject = "Your order \(order.reference) was cancelled"
        let why: String
        switch order.reason {
        case "customer": why = " as you asked"
        case "expired": why = " because it was not paid in time"
        case "payment_failed": why = " because the payment did not go through"
        default: why = ""
        }
        let cancelled = "Your order \(order.orderID) was cancelled\(why)."
        let money =
            order.previousStatus == "paid"
            ? "Your payment of \(Money.format(order.total, currency: order.currency)) will be refunded to the way you paid."
            : "You have not been charged."
        let text = """
            \(MailLayout.greeting(name))

            \(cancelled)
            \(money)

            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Order \(order.reference) cancelled", shop: shop,
            paragraphs: [HTML.escape(MailLayout.greeting(name)), HTML.escape(cancelled), HTML.escape(money)])
        return MailContent(subject: subject, text: text, html: html)
    }
}
