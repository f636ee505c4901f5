import ShopTesting
import SokoTesting
import Testing

/// `SOKO_PAYMENT_METHODS`: a shop offers what it configured, and nothing is verified against the
/// sandbox's secret for a method it does not take.
@Suite("Payment methods offered")
struct PaymentMethodsTests {
    @Test func aShopThatTakesNoCardsRefusesCardPaymentsAndTheStripeWebhook() async throws {
        let shop = try await ShopHost.start(environment: [
            "SOKO_PUBLIC_URL": "http://127.0.0.1:9", "SOKO_PAYMENT_METHODS": "mpesa",
        ])
        let customer = try await shop.customer("wanjiru@example.com")
        let card = try await shop.request("POST", "/orders/ord_any/pay", token: customer, json: ["method": "stripe"])
        #expect(card.status == 422, "\(card.text)")
        #expect(card.text.contains("this shop takes \\\"mpesa\\\""), "\(card.text)")
        // M-Pesa is still offered: the request gets as far as the order (unknown here).
        let mpesa = try await shop.request(
            "POST", "/orders/ord_any/pay", token: customer, json: ["method": "mpesa", "phone": "0712345678"])
        #expect(mpesa.status == 404, "\(mpesa.text)")
        // A webhook "signed" with the sandbox's public secret is not even looked at.
        let webhook = try await shop.request(
            "POST", "/webhooks/stripe", headers: [("Stripe-Signature", "t=1,v1=00")], json: ["id": "evt_1"])
        #expect(webhook.status == 404, "\(webhook.text)")
        #expect(await shop.shutdown())
    }

    @Test func anUnknownMethodInTheSettingStopsTheShop() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await ShopHost.start(environment: ["SOKO_PAYMENT_METHODS": "mpesa,paypal"])
        }
    }
}
