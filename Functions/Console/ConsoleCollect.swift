import Contracts
import ShopWeb
import SokoFunctions

/// The order page's pay-on-delivery parts: the delivery zone and payment method among the facts,
/// and — while the order is `confirmed` — the "Collected" form that records the cash or M-Pesa the
/// rider took (`POST /admin/sales/{id}/collect` → `orders.collectPayment`).
enum ConsoleCollect {
    static func facts(_ order: OrderDocument) -> HTML {
        let method: String =
            switch order.paymentMethod {
            case "cash_on_delivery": "Cash on delivery"
            case "mpesa_on_delivery": "M-Pesa on delivery"
            default: "Online"
            }
        let delivery: HTML =
            order.delivery.map {
                "<dt>Delivery zone</dt><dd>\($0.name)\($0.pickup ? " (pickup station)" : "")</dd>"
            } ?? .empty
        return "\(delivery)<dt>Payment</dt><dd>\(method)</dd>"
    }

    static func form(_ order: OrderDocument, csrf: HTML) -> HTML {
        let total = MoneyText.format(order.total, currency: order.currency ?? "KES")
        let mpesa = order.paymentMethod == "mpesa_on_delivery"
        let cashMark: HTML = mpesa ? "" : " checked"
        let mpesaMark: HTML = mpesa ? " checked" : ""
        return """
            <form class="stack" method="post" action="/admin/sales/\(order.id)/collect">\(csrf)
            <h3>Collected</h3><p>Record the \(total) the customer paid on delivery.</p>
            <fieldset><legend>Paid with</legend>
            <label class="check"><input type="radio" name="method" value="cash"\(cashMark)> Cash</label>
            <label class="check"><input type="radio" name="method" value="mpesa"\(mpesaMark)> M-Pesa</label>
            </fieldset>
            <label>Receipt or M-Pesa code (optional) <input name="reference" maxlength="64" spellcheck="false" autocomplete="off"></label>
            <button type="submit">Collected</button>
            </form>
            """
    }

    /// What cancelling means for an order paid on delivery (nil for one paid online): the money
    /// collected is not Soko's to refund.
    static func cancelNote(_ order: OrderDocument) -> HTML? {
        guard order.paymentMethod != "online" else { return nil }
        return order.status == "confirmed"
            ? "Nothing was paid yet; its stock goes back on sale."
            : "Paid on delivery: hand the money back yourself. The stock goes back on sale."
    }

    /// The form as the body of `collectPayment`.
    static func body(_ form: FormBody) throws -> [UInt8] {
        let reference = form["reference"].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        var fields: [String: JSONValue] = ["method": .string(form["method"] ?? "")]
        if let reference { fields["reference"] = .string(reference) }
        return try JSONCoding.encode(fields)
    }
}
