import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// A browser confirms a PaymentIntent as Stripe.js does: no secret key, the publishable key and
/// the intent's client secret in the form.
@Suite("Sandbox: Stripe confirm with the publishable key")
struct StripePublishableKeyTests {
    @Test func confirmWithPublishableKeyAndClientSecret() async throws {
        let shop = try await SandboxShop.start()
        let created = try await shop.stripe("POST", "/payment_intents", form: "amount=15000&currency=kes").object()
        let id = created["id"]?.stringValue ?? ""
        let secret = created["client_secret"]?.stringValue ?? ""
        let path = "/payment_intents/\(id)/confirm"

        let wrongKey = await shop.stripe(
            "POST", path, form: "key=pk_test_other&client_secret=\(secret)&payment_method=pm_card_visa", key: nil)
        #expect(wrongKey.status == 401)
        let otherSecret = await shop.stripe(
            "POST", path, form: "key=pk_test_sandbox&client_secret=\(id)_secret_nope&payment_method=pm_card_visa", key: nil)
        #expect(otherSecret.status == 400)
        #expect(try otherSecret.stripeError()["param"] == .string("client_secret"))
        let noSecret = await shop.stripe("POST", path, form: "key=pk_test_sandbox&payment_method=pm_card_visa", key: nil)
        #expect(noSecret.status == 400)

        let declined = await shop.stripe(
            "POST", path, form: "key=pk_test_sandbox&client_secret=\(secret)&payment_method=pm_card_chargeDeclined", key: nil)
        #expect(declined.status == 402)
        #expect(try declined.stripeError()["code"] == .string("card_declined"))
        let paid = await shop.stripe(
            "POST", path, form: "key=pk_test_sandbox&client_secret=\(secret)&payment_method=pm_card_visa", key: nil)
        #expect(paid.status == 200)
        #expect(try paid.object()["status"] == .string("succeeded"))

        // Only the confirm endpoint takes a publishable key.
        let create = await shop.stripe("POST", "/payment_intents", form: "key=pk_test_sandbox&amount=100&currency=kes", key: nil)
        #expect(create.status == 401)
        await shop.shutdown()
    }
}
