import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

@Suite("Sandbox: Stripe over the shop's router")
struct StripeSandboxTests {
    @Test func apiKeyIsRequired() async throws {
        let shop = try await SandboxShop.start()
        let missing = await shop.stripe("POST", "/payment_intents", form: "amount=100&currency=kes", key: nil)
        #expect(missing.status == 401)
        #expect(try missing.stripeError()["type"] == .string("invalid_request_error"))
        #expect(try missing.stripeError()["message"]?.stringValue?.hasPrefix("You did not provide an API key") == true)
        let wrong = await shop.stripe("POST", "/payment_intents", form: "amount=100&currency=kes", key: "sk_test_wrong1234")
        #expect(wrong.status == 401)
        #expect(try wrong.stripeError()["message"] == .string("Invalid API Key provided: sk_test_*****1234"))
        let basic = await shop.stripe(
            "GET", "/payment_intents/pi_nope", key: nil,
            headers: [("Authorization", "Basic " + Data("sk_test_sandbox:".utf8).base64EncodedString())])
        #expect(basic.status == 404)
        #expect(try basic.stripeError()["code"] == .string("resource_missing"))
        await shop.shutdown()
    }

    @Test func createRetrieveAndValidate() async throws {
        let shop = try await SandboxShop.start()
        let response = await shop.stripe(
            "POST", "/payment_intents",
            form: "amount=15000&currency=KES&metadata[order_id]=ord_1&automatic_payment_methods[enabled]=true")
        #expect(response.status == 200)
        #expect(response.headers["Request-Id"]?.hasPrefix("req_") == true)
        let intent = try response.object()
        let id = intent["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("pi_"))
        #expect(intent["object"] == .string("payment_intent"))
        #expect(intent["amount"] == .integer(15000))
        #expect(intent["currency"] == .string("kes"))
        #expect(intent["status"] == .string("requires_payment_method"))
        #expect(intent["client_secret"]?.stringValue?.hasPrefix(id + "_secret_") == true)
        #expect(intent["metadata"] == .object(["order_id": .string("ord_1")]))
        #expect(intent["latest_charge"] == .null)
        #expect(intent["livemode"] == .bool(false))
        #expect(intent["created"]?.intValue ?? 0 > 1_700_000_000)
        let fetched = await shop.stripe("GET", "/payment_intents/\(id)")
        #expect(try fetched.object() == intent)

        let missing = await shop.stripe("POST", "/payment_intents", form: "currency=kes")
        #expect(missing.status == 400)
        #expect(try missing.stripeError()["code"] == .string("parameter_missing"))
        #expect(try missing.stripeError()["param"] == .string("amount"))
        let unknown = await shop.stripe("POST", "/payment_intents", form: "amount=1&currency=kes&colour=red")
        #expect(try unknown.stripeError()["code"] == .string("parameter_unknown"))
        let integer = await shop.stripe("POST", "/payment_intents", form: "amount=1.5&currency=kes")
        #expect(try integer.stripeError()["code"] == .string("parameter_invalid_integer"))
        await shop.shutdown()
    }

    @Test func idempotencyKeyReplaysAndRefusesOtherParameters() async throws {
        let shop = try await SandboxShop.start()
        let key = [("Idempotency-Key", "pi-create:ord_1:1")]
        let first = await shop.stripe("POST", "/payment_intents", form: "amount=100&currency=kes", headers: key)
        let again = await shop.stripe("POST", "/payment_intents", form: "currency=kes&amount=100", headers: key)
        #expect(first.status == 200 && again.status == 200)
        #expect(first.body == again.body)
        #expect(first.headers["Idempotent-Replayed"] == nil)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(try await shop.store.query("SELECT id FROM stripe_payment_intents", []).count == 1)
        let other = await shop.stripe("POST", "/payment_intents", form: "amount=200&currency=kes", headers: key)
        #expect(other.status == 400)
        #expect(try other.stripeError()["type"] == .string("idempotency_error"))
        // A request that failed validation is not saved: the key can be used again.
        let bad = [("Idempotency-Key", "k2")]
        #expect(await shop.stripe("POST", "/payment_intents", form: "currency=kes", headers: bad).status == 400)
        #expect(await shop.stripe("POST", "/payment_intents", form: "amount=5&currency=kes", headers: bad).status == 200)
        await shop.shutdown()
    }

    @Test func confirmWithVisaSucceedsWithACharge() async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        let response = await shop.stripe(
            "POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_card_visa&expand[]=latest_charge")
        #expect(response.status == 200)
        let intent = try response.object()
        #expect(intent["status"] == .string("succeeded"))
        #expect(intent["amount_received"] == .integer(15000))
        let charge = intent["latest_charge"]?.objectValue ?? [:]
        #expect(charge["object"] == .string("charge"))
        #expect(charge["status"] == .string("succeeded"))
        #expect(charge["paid"] == .bool(true))
        #expect(charge["payment_method_details"]?["card"]?["brand"] == .string("visa"))
        #expect(charge["payment_method_details"]?["card"]?["last4"] == .string("4242"))
        let chargeID = charge["id"]?.stringValue ?? ""
        #expect(chargeID.hasPrefix("ch_"))
        let fetched = await shop.stripe("GET", "/charges/\(chargeID)")
        #expect(try fetched.object() == charge)
        let plain = await shop.stripe("GET", "/payment_intents/\(id)")
        #expect(try plain.object()["latest_charge"] == .string(chargeID))
        let twice = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_card_visa")
        #expect(twice.status == 400)
        #expect(try twice.stripeError()["code"] == .string("payment_intent_unexpected_state"))
        await shop.shutdown()
    }

    @Test(arguments: [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ])
    func declinedCardsAre402CardErrors(_ method: String, _ code: String, _ declineCode: String) async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        let response = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=\(method)")
        #expect(response.status == 402)
        let error = try response.stripeError()
        #expect(error["type"] == .string("card_error"))
        #expect(error["code"] == .string(code))
        #expect(error["decline_code"] == .string(declineCode))
        #expect(error["payment_intent"]?["status"] == .string("requires_payment_method"))
        let intent = try await shop.stripe("GET", "/payment_intents/\(id)").object()
        #expect(intent["status"] == .string("requires_payment_method"))
        #expect(intent["last_payment_error"]?["code"] == .string(code))
        #expect(intent["last_payment_error"]?["decline_code"] == .string(declineCode))
        // The customer tries another card: it pays.
        let retry = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_card_mastercard")
        #expect(try retry.object()["status"] == .string("succeeded"))
        #expect(try retry.object()["last_payment_error"] == .null)
        await shop.shutdown()
    }

    @Test func confirmErrors() async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        let unknownMethod = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_nope")
        #expect(unknownMethod.status == 400)
        #expect(try unknownMethod.stripeError()["code"] == .string("resource_missing"))
        let none = await shop.stripe("POST", "/payment_intents/\(id)/confirm")
        #expect(try none.stripeError()["code"] == .string("payment_intent_unexpected_state"))
        let missing = await shop.stripe("POST", "/payment_intents/pi_nope/confirm", form: "payment_method=pm_card_visa")
        #expect(missing.status == 404)
        // Create-and-confirm in one call.
        let once = await shop.stripe(
            "POST", "/payment_intents", form: "amount=500&currency=usd&payment_method=pm_card_visa&confirm=true")
        #expect(try once.object()["status"] == .string("succeeded"))
        await shop.shutdown()
    }

    @Test func refundsPartialThenRestThenNoMore() async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        let early = await shop.stripe("POST", "/refunds", form: "payment_intent=\(id)")
        #expect(early.status == 400)
        #expect(try early.stripeError()["code"] == .string("charge_not_refundable"))
        _ = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_card_visa")
        let partial = await shop.stripe("POST", "/refunds", form: "payment_intent=\(id)&amount=5000&reason=requested_by_customer")
        #expect(partial.status == 200)
        let refund = try partial.object()
        #expect(refund["object"] == .string("refund"))
        #expect(refund["id"]?.stringValue?.hasPrefix("re_") == true)
        #expect(refund["amount"] == .integer(5000))
        #expect(refund["status"] == .string("succeeded"))
        #expect(refund["payment_intent"] == .string(id))
        let chargeID = refund["charge"]?.stringValue ?? ""
        var charge = try await shop.stripe("GET", "/charges/\(chargeID)").object()
        #expect(charge["amount_refunded"] == .integer(5000))
        #expect(charge["refunded"] == .bool(false))
        let tooMuch = await shop.stripe("POST", "/refunds", form: "payment_intent=\(id)&amount=10001")
        #expect(tooMuch.status == 400)
        #expect(try tooMuch.stripeError()["code"] == .string("amount_too_large"))
        let rest = await shop.stripe("POST", "/refunds", form: "charge=\(chargeID)")
        #expect(try rest.object()["amount"] == .integer(10000))
        charge = try await shop.stripe("GET", "/charges/\(chargeID)").object()
        #expect(charge["amount_refunded"] == .integer(15000))
        #expect(charge["refunded"] == .bool(true))
        let more = await shop.stripe("POST", "/refunds", form: "payment_intent=\(id)")
        #expect(try more.stripeError()["code"] == .string("charge_already_refunded"))
        let fetched = await shop.stripe("GET", "/refunds/\(refund["id"]?.stringValue ?? "")")
        #expect(try fetched.object() == refund)
        let neither = await shop.stripe("POST", "/refunds", form: "amount=1")
        #expect(try neither.stripeError()["code"] == .string("parameter_missing"))
        await shop.shutdown()
    }

    @Test func sandboxOffAnswers404() async throws {
        let shop = try await SandboxShop.start(["SOKO_SANDBOX": "off"])
        #expect(await shop.stripe("GET", "/payment_intents/pi_1").status == 404)
        let token = await shop.shop.request(
            "GET", "/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials",
            headers: [("Authorization", SandboxShop.basic)])
        #expect(token.status == 404)
        await shop.shutdown()
    }
}
