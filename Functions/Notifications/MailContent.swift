import Contracts

/// What a template produces: the subject and both bodies of one email.
struct MailContent: Sendable, Equatable {
    var subject: String
    var text: String
    var html: String
}

/// The pieces every template shares: greeting, HTML shell, the order table and totals.
/// Every interpolated value is escaped in the HTML (names and product names are user input).
enum MailLayout {
    static func html(title: String, shop: String, paragraphs: [String], extra: String = "") -> String {
        let body = paragraphs.map { "<p style=\"margin:0 0 16px\">\($0)</p>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            </head>
            <body style="margin:0;padding:24px;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;color:#222">
            <div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px;border-radius:6px">
            <h1 style="font-size:20px;margin:0 0 16px">\(HTML.escape(title))</h1>
            \(body)
            \(extra)
            <p style="margin:24px 0 0;color:#666;font-size:13px">\(HTML.escape(shop))</p>
            </div>
            </body>
            </html>
            """
    }

    static func greeting(_ name: String) -> String {
        let clean = MailHeader.singleLine(name)
        return clean.isEmpty ? "Hello," : "Hello \(clean),"
    }

    /// The line's product name, with the variant's options for a variant: `Kanga (Colour: Red)`.
    static func lineName(_ line: OrderLine) -> String {
        guard let options = line.optionText, !options.isEmpty else { return line.name }
        return "\(line.name) (\(options))"
    }

    /// The order's lines and totals as plain text.
    static func textSummary(_ order: OrderEvent) -> String {
        var out = ""
        for line in order.lines {
            let name = MailHeader.singleLine(lineName(line))
            out += "  \(line.quantity) x \(name) (\(Money.format(line.unitPrice, currency: order.currency)) each)"
            out += ": \(Money.format(line.lineTotal, currency: order.currency))\n"
        }
        out += "\n"
        out += "  Subtotal: \(Money.format(order.subtotal, currency: order.currency))\n"
        if order.discount > 0 {
            out += "  Discount: \(Money.format(-order.discount, currency: order.currency))\(couponNote(order))\n"
        }
        out += "  Shipping: \(Money.format(order.shipping, currency: order.currency))\n"
        if let label = vatIncludedLabel(order) {
            out += "  Total:    \(Money.format(order.total, currency: order.currency))\n"
            out += "  \(label): \(Money.format(order.tax, currency: order.currency))\n"
        } else {
            out += "  Tax:      \(Money.format(order.tax, currency: order.currency))\n"
            out += "  Total:    \(Money.format(order.total, currency: order.currency))\n"
        }
        return out
    }

    /// `incl. VAT 16%` for an order whose prices included VAT (its tax is contained in the total,
    /// so it is shown after the total rather than added above it); nil otherwise.
    static func vatIncludedLabel(_ order: OrderEvent) -> String? {
        guard let rate = order.vatIncludedRateBasisPoints else { return nil }
        let fraction = rate % 100
        let percent =
            fraction == 0
            ? "\(rate / 100)"
            : fraction % 10 == 0 ? "\(rate / 100).\(fraction / 10)" : "\(rate / 100).\(fraction < 10 ? "0" : "")\(fraction)"
        return "incl. VAT \(percent)%"
    }

    /// ` (coupon KARIBU10)` after a discount, when the order names its coupon.
    static func couponNote(_ order: OrderEvent) -> String {
        order.couponCode.map { " (coupon \(MailHeader.singleLine($0)))" } ?? ""
    }

    /// The order's lines and totals as an HTML table.
    static func htmlSummary(_ order: OrderEvent) -> String {
        let cell = "style=\"padding:6px 8px;border-bottom:1px solid #eee\""
        let number = "style=\"padding:6px 8px;border-bottom:1px solid #eee;text-align:right\""
        var rows = ""
        for line in order.lines {
            rows += "<tr><td \(cell)>\(HTML.escape(lineName(line)))</td><td \(number)>\(line.quantity)</td>"
            rows += "<td \(number)>\(HTML.escape(Money.format(line.unitPrice, currency: order.currency)))</td>"
            rows += "<td \(number)>\(HTML.escape(Money.format(line.lineTotal, currency: order.currency)))</td></tr>\n"
        }
        var totals = ""
        let discount = order.discount > 0 ? [("Discount\(couponNote(order))", -order.discount)] : []
        let taxes =
            vatIncludedLabel(order).map { [("Total", order.total), ($0, order.tax)] }
            ?? [("Tax", order.tax), ("Total", order.total)]
        for (label, amount) in [("Subtotal", order.subtotal)] + discount + [("Shipping", order.shipping)] + taxes {
            let weight = label == "Total" ? ";font-weight:bold" : ""
            totals += "<tr><td colspan=\"3\" style=\"padding:6px 8px;text-align:right\(weight)\">\(HTML.escape(label))</td>"
            totals += "<td style=\"padding:6px 8px;text-align:right\(weight)\">"
            totals += "\(HTML.escape(Money.format(amount, currency: order.currency)))</td></tr>\n"
        }
        return """
            <table style="width:100%;border-collapse:collapse;font-size:14px">
            <thead><tr><th align="left" \(cell)>Item</th><th \(number)>Qty</th><th \(number)>Price</th><th \(number)>Amount</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            <tfoot>
            \(totals)</tfoot>
            </table>
            """
    }
}
