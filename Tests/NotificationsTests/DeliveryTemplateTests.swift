import Contracts
import Foundation
import Testing

@testable import Notifications

/// What the confirmation email and SMS say about the delivery zone and paying on delivery, and
/// what the receipt says about money collected on delivery.
@Suite("Delivery in messages")
struct DeliveryTemplateTests {
    static func order(zone: String?, pickup: Bool = false, method: String? = nil, shipping: Int = 20_000) -> OrderEvent {
        OrderEvent(
            orderID: "1f3a9c2b-0000-4000-8000-000000000001", customerID: "usr_1", currency: "KES", subtotal: 150_000,
            shipping: shipping, total: 150_000 + shipping,
            lines: [OrderLine(productID: "p1", sku: "MUG", name: "Blue mug", unitPrice: 75_000, quantity: 2, lineTotal: 150_000)],
            deliveryZone: zone, deliveryPickup: zone == nil ? nil : pickup, paymentMethod: method)
    }

    @Test func theConfirmationNamesTheZoneTheFeeAndPayOnDelivery() async throws {
        let content = MailTemplates.orderConfirmation(
            Self.order(zone: TemplateTests.hostile, method: "cash_on_delivery"), name: "Ann", shop: "Soko")
        let parsed = try await TemplateTests.render(content)
        let text = parsed.part("text/plain")?.content ?? ""
        #expect(text.contains("Delivery: \(TemplateTests.hostile), KES 200.00"), "\(text)")
        #expect(text.contains("Pay on delivery: KES 1,700.00 in cash when the order arrives."))
        #expect(!text.contains("until it is paid"))
        TemplateTests.expectEscaped(parsed.part("text/html")?.content ?? "")
        let html = parsed.part("text/html")?.content ?? ""
        #expect(html.contains("Pay on delivery: KES 1,700.00 in cash when the order arrives."))

        let pickup = MailTemplates.orderConfirmation(
            Self.order(zone: "Moi Avenue", pickup: true, method: "mpesa_on_delivery", shipping: 0), name: "Ann", shop: "Soko")
        #expect(pickup.text.contains("Pickup station: Moi Avenue, free"))
        #expect(pickup.text.contains("KES 1,500.00 by M-Pesa when the order arrives."))
        // Online payment, no zone: as before.
        let plain = MailTemplates.orderConfirmation(Self.order(zone: nil), name: "Ann", shop: "Soko")
        #expect(!plain.text.contains("Delivery:") && plain.text.contains("until it is paid"))
    }

    @Test func theSMSNamesTheZoneAndWhatToHaveReady() {
        let cash = SmsTemplates.orderPlaced(
            Self.order(zone: "Nairobi CBD", method: "cash_on_delivery"), name: "Ann", shop: "Soko")
        #expect(
            cash
                == "Soko: Ann, we received order #1F3A9C2B of KES 1,700.00. Delivery: Nairobi CBD, KES 200.00. Pay on delivery: KES 1,700.00 in cash when the order arrives."
        )
        let online = SmsTemplates.orderPlaced(Self.order(zone: "Nairobi CBD"), name: "Ann", shop: "Soko")
        #expect(online.hasSuffix("Delivery: Nairobi CBD, KES 200.00. We hold it until it is paid."), "\(online)")
    }

    @Test func theReceiptSaysPaidInCashOnDelivery() {
        #expect(
            MailTemplates.paymentLine(OrderEvent.Payment(method: "cash", receipt: "CASH-42"))
                == "Paid in cash on delivery, receipt CASH-42.")
        #expect(MailTemplates.paymentLine(OrderEvent.Payment(method: "cash")) == "Paid in cash on delivery.")
        #expect(
            MailTemplates.paymentLine(OrderEvent.Payment(method: "mpesa", receipt: "QKX12ABC3D"))
                == "Paid with M-Pesa, receipt number QKX12ABC3D.")
    }
}
