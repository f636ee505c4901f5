import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// The sandbox inside the shop, posting through the host's own outgoing client to a receiver on
/// loopback: what the Payments bundle's webhook endpoints will get.
@Suite("Sandbox: callbacks and webhooks through the host's client", .timeLimit(.minutes(1)))
struct SandboxEndToEndTests {
    @Test func stkCallbackReachesTheCallbackURL() async throws {
        let receiver = try LoopbackReceiver()
        defer { receiver.stop() }
        let shop = try await SandboxShop.start(["SOKO_SANDBOX_CALLBACK_DELAY_MS": "50"])
        let token = try await shop.darajaToken()
        let body = SandboxShop.push(
            phone: "254700000001", ["CallBackURL": .string(receiver.url + "/webhooks/mpesa/secret-token")])
        let ack = try await shop.daraja("stkpush/v1/processrequest", token: token, body: body).object()
        var received = receiver.received.makeAsyncIterator()
        let callback = try #require(await received.next())
        #expect(callback.head.hasPrefix("POST /webhooks/mpesa/secret-token HTTP/1.1"))
        #expect(callback.header("Content-Type") == "application/json")
        let stk = try JSONCoding.decode(JSONValue.self, from: callback.body)["Body"]?["stkCallback"]
        #expect(stk?["CheckoutRequestID"] == ack["CheckoutRequestID"])
        #expect(stk?["ResultCode"] == .integer(1032))
        #expect(stk?["CallbackMetadata"] == nil)
        await shop.shutdown()
    }

    @Test func stripeWebhookReachesTheWebhookURLSigned() async throws {
        let receiver = try LoopbackReceiver()
        defer { receiver.stop() }
        let shop = try await SandboxShop.start([
            "SOKO_SANDBOX_STRIPE_WEBHOOK_URL": receiver.url + "/webhooks/stripe", "SOKO_SANDBOX_WEBHOOK_DELAY_MS": "0",
            "SOKO_STRIPE_WEBHOOK_SECRET": "whsec_e2e",
        ])
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        let confirmed = await shop.stripe("POST", "/payment_intents/\(id)/confirm", form: "payment_method=pm_card_visa")
        #expect(confirmed.status == 200)
        var received = receiver.received.makeAsyncIterator()
        let webhook = try #require(await received.next())
        #expect(webhook.head.hasPrefix("POST /webhooks/stripe HTTP/1.1"))
        let signature = try #require(webhook.header("Stripe-Signature"))
        let timestamp = try #require(Int(signature.dropFirst(2).prefix { $0 != "," }))
        #expect(signature == StripeSignature.header(secret: "whsec_e2e", timestamp: timestamp, body: webhook.body))
        let event = try JSONCoding.decode(JSONValue.self, from: webhook.body)
        #expect(event["type"] == .string("payment_intent.succeeded"))
        #expect(event["data"]?["object"]?["id"] == .string(id))
        await shop.shutdown()
    }
}
