import Contracts
import Foundation
import SokoTesting
import Testing

@testable import Notifications

/// The five emails: what they say, in both parts, with every value escaped in the HTML.
@Suite("Email templates")
struct TemplateTests {
    static let hostile = #"<script>alert("x")</script> & 'Co'"#

    static func order(
        lines: [OrderLine] = [
            OrderLine(productID: "p1", sku: "MUG", name: "Blue mug", unitPrice: 75_000, quantity: 2, lineTotal: 150_000),
            OrderLine(productID: "p2", sku: "X", name: hostile, unitPrice: 5_050, quantity: 1, lineTotal: 5_050),
        ], payment: OrderEvent.Payment? = nil, reason: String? = nil, previousStatus: String? = nil,
        carrier: String? = nil, tracking: String? = nil
    ) -> OrderEvent {
        OrderEvent(
            orderID: "1f3a9c2b-0000-4000-8000-000000000001", customerID: "usr_1", previousStatus: previousStatus,
            currency: "KES", subtotal: 155_050, shipping: 20_000, tax: 24_808, total: 199_858, lines: lines, reason: reason,
            carrier: carrier, trackingNumber: tracking, payment: payment)
    }

    static func render(_ content: MailContent) async throws -> ParsedMail {
        let message = MailMessage(
            from: MIMETests.shop, to: Mailbox(name: hostile, address: "ann@example.com")!, subject: content.subject,
            text: content.text, html: content.html, date: MailDate.format(seconds: 1_767_225_600),
            messageID: "t@soko.example")
        return try await MailOracle.parse(message.rendered)
    }

    static func expectEscaped(_ html: String) {
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;"))
    }

    @Test func welcomeGreetsByNameInBothParts() async throws {
        let content = MailTemplates.welcome(
            UserContact(userID: "usr_1", email: "ann@example.com", name: Self.hostile), shop: "Soko")
        let parsed = try await Self.render(content)
        #expect(parsed.subject == "Welcome to Soko, \(Self.hostile)")
        #expect(parsed.part("text/plain")?.content.contains("Hello \(Self.hostile),") == true)
        #expect(parsed.part("text/plain")?.content.contains("ann@example.com") == true)
        Self.expectEscaped(parsed.part("text/html")?.content ?? "")
        #expect(parsed.to == [[Self.hostile, "ann@example.com"]])
    }

    @Test func theOrderConfirmationListsLinesAndTotalsInTheCurrency() async throws {
        let parsed = try await Self.render(MailTemplates.orderConfirmation(Self.order(), name: "Ann", shop: "Soko"))
        #expect(parsed.subject == "We received your order #1F3A9C2B")
        let text = parsed.part("text/plain")?.content ?? ""
        for expected in [
            "2 x Blue mug (KES 750.00 each): KES 1,500.00", "1 x \(Self.hostile) (KES 50.50 each): KES 50.50",
            "Subtotal: KES 1,550.50", "Shipping: KES 200.00", "Tax:      KES 248.08", "Total:    KES 1,998.58",
            "1f3a9c2b-0000-4000-8000-000000000001",
        ] {
            #expect(text.contains(expected), "\(expected) missing from:\n\(text)")
        }
        let html = parsed.part("text/html")?.content ?? ""
        Self.expectEscaped(html)
        #expect(html.contains("KES 1,998.58"))
        #expect(html.contains("<td style=\"padding:6px 8px;border-bottom:1px solid #eee\">Blue mug</td>"))
    }

    @Test(
        arguments: [
            (
                OrderEvent.Payment(method: "mpesa", receipt: "QKX12ABC34", cardLast4: nil),
                "Paid with M-Pesa, receipt number QKX12ABC34."
            ),
            (OrderEvent.Payment(method: "stripe", receipt: nil, cardLast4: "4242"), "Paid by card ending in 4242."),
            (OrderEvent.Payment(method: "mpesa", receipt: nil, cardLast4: nil), "Paid with M-Pesa."),
        ] as [(OrderEvent.Payment, String)])
    func theReceiptNamesHowItWasPaid(payment: OrderEvent.Payment, line: String) async throws {
        let parsed = try await Self.render(MailTemplates.paymentReceipt(Self.order(payment: payment), name: "Ann", shop: "Soko"))
        #expect(parsed.subject == "Receipt for your order #1F3A9C2B")
        #expect(parsed.part("text/plain")?.content.contains(line) == true)
        #expect(parsed.part("text/plain")?.content.contains("We received your payment of KES 1,998.58") == true)
        #expect(parsed.part("text/html")?.content.contains(line) == true)
    }

    @Test func aCouponDiscountShowsBetweenSubtotalAndShipping() async throws {
        var order = Self.order()
        order.discount = 15_505
        order.couponCode = "KARIBU<10>"
        order.total -= 15_505
        let parsed = try await Self.render(MailTemplates.orderConfirmation(order, name: "Ann", shop: "Soko"))
        let text = (parsed.part("text/plain")?.content ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("Subtotal: KES 1,550.50\n  Discount: KES -155.05 (coupon KARIBU<10>)\n  Shipping"), "\(text)")
        let html = parsed.part("text/html")?.content ?? ""
        #expect(html.contains("Discount (coupon KARIBU&lt;10&gt;)"), "\(html)")
        #expect(html.contains("KES -155.05"))
        let plain = try await Self.render(MailTemplates.orderConfirmation(Self.order(), name: "Ann", shop: "Soko"))
        #expect(plain.part("text/plain")?.content.contains("Discount") == false)
    }

    @Test func vatIncludedPricesShowTheVATAfterTheTotal() async throws {
        var order = Self.order()
        order.vatIncludedRateBasisPoints = 1_600
        order.total = 175_050
        order.tax = 24_145
        let parsed = try await Self.render(MailTemplates.orderConfirmation(order, name: "Ann", shop: "Soko"))
        let text = (parsed.part("text/plain")?.content ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("Total:    KES 1,750.50\n  incl. VAT 16%: KES 241.45\n"), "\(text)")
        #expect(!text.contains("Tax:"))
        #expect(parsed.part("text/html")?.content.contains("incl. VAT 16%") == true)
        order.vatIncludedRateBasisPoints = 705
        #expect(MailLayout.vatIncludedLabel(order) == "incl. VAT 7.05%")
        order.vatIncludedRateBasisPoints = 750
        #expect(MailLayout.vatIncludedLabel(order) == "incl. VAT 7.5%")
    }

    @Test func aReceiptWithoutPaymentDetailsStillReads() {
        let content = MailTemplates.paymentReceipt(Self.order(), name: "Ann", shop: "Soko")
        #expect(content.text.contains("We received your payment of KES 1,998.58"))
        #expect(!content.text.contains("Paid"))
    }

    @Test func shippingUpdatesCarryCarrierAndTrackingEscaped() async throws {
        let shipped = try await Self.render(
            MailTemplates.shippingUpdate(
                Self.order(carrier: "G4S <Kenya>", tracking: "TRK-1&2"), delivered: false, name: "Ann", shop: "Soko"))
        #expect(shipped.subject == "Your order #1F3A9C2B is on its way")
        let text = MIMETests.normalised(shipped.part("text/plain")?.content ?? "")
        #expect(text.contains("Carrier: G4S <Kenya>\nTracking number: TRK-1&2"))
        #expect(shipped.part("text/html")?.content.contains("Carrier: G4S &lt;Kenya&gt;<br>Tracking number: TRK-1&amp;2") == true)
        let delivered = MailTemplates.shippingUpdate(Self.order(), delivered: true, name: "Ann", shop: "Soko")
        #expect(delivered.subject == "Your order #1F3A9C2B was delivered")
        #expect(!delivered.text.contains("Carrier"))
    }

    @Test(
        arguments: [
            ("customer", nil, "was cancelled as you asked.", "You have not been charged."),
            ("expired", "pending_payment", "because it was not paid in time.", "You have not been charged."),
            ("admin", "paid", "was cancelled.", "Your payment of KES 1,998.58 will be refunded"),
            ("payment_failed", nil, "because the payment did not go through.", "You have not been charged."),
        ] as [(String, String?, String, String)])
    func cancellationsSayWhyAndAboutTheMoney(reason: String, previous: String?, why: String, money: String) {
        let content = MailTemplates.cancellation(
            Self.order(reason: reason, previousStatus: previous), name: "Ann", shop: "Soko")
        #expect(content.subject == "Your order #1F3A9C2B was cancelled")
        #expect(content.text.contains(why))
        #expect(content.text.contains(money))
        #expect(content.html.contains(money))
    }

    @Test func orderEventsDecodeWithAndWithoutPayment() async throws {
        let json = """
            {"order_id":"o1","customer_id":"c1","status":"paid","previous_status":"pending_payment","currency":"KES",
             "subtotal":100,"shipping":0,"tax":16,"total":116,"from_cart":true,"reason":null,
             "lines":[{"product_id":"p","sku":"S","name":"N","unit_price":100,"quantity":1,"line_total":100}],
             "payment":{"method":"mpesa","receipt":"QKX"}}
            """
        let event = try JSONDecoder().decode(OrderEvent.self, from: Data(json.utf8))
        #expect(event.payment == OrderEvent.Payment(method: "mpesa", receipt: "QKX", cardLast4: nil))
        #expect(event.lines.first?.lineTotal == 100)
        let bare = try JSONDecoder().decode(OrderEvent.self, from: Data(#"{"order_id":"o1","customer_id":"c1"}"#.utf8))
        #expect(bare.payment == nil && bare.lines.isEmpty && bare.total == 0)
    }
}
