import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Testing

@testable import Sandbox

/// The callback and webhook posts, through a recording client in a context the test builds (the
/// host's own client is not in contexts yet).
@Suite("Sandbox: callbacks and webhooks sent", .timeLimit(.minutes(1)))
struct SandboxDeliveryTests {
    @Test func stkCallbackIsPostedAfterTheDelay() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        var settings = SandboxSettings()
        settings.callbackDelay = .milliseconds(20)
        let outgoing = RecordingOutgoing()
        let request = FunctionRequest(
            method: "POST", path: "/_sandbox/daraja/mpesa/stkpush/v1/processrequest",
            headers: ["Authorization": "Bearer \(token)"], body: SandboxShop.push(amount: .integer(150)))
        let context = sandboxContext(shop, function: "darajaStkPush", request: request, outgoing: outgoing)
        let (response, task) = await StkPush.run(request, context: context, settings: settings)
        #expect(response.status == 200)
        let checkout = try JSONCoding.decode([String: String].self, from: response.body)["CheckoutRequestID"] ?? ""
        var sent = outgoing.sent.makeAsyncIterator()
        let callback = try #require(await sent.next())
        #expect(callback.url == "http://127.0.0.1:8080/webhooks/mpesa/tok123")
        #expect(callback.method == "POST")
        let text = String(decoding: callback.body, as: UTF8.self)
        #expect(text.contains(#""CheckoutRequestID":"\#(checkout)","ResultCode":0,"#))
        #expect(text.contains(#"{"Name":"Amount","Value":150.00}"#))
        #expect(text.contains(#"{"Name":"Balance"}"#))
        #expect(text.contains(#"{"Name":"PhoneNumber","Value":254708374149}"#))
        await task?.value
        let rows = try await shop.store.query(
            "SELECT callback_state, callback_status FROM stk_requests WHERE checkout_request_id = $1", [.text(checkout)])
        #expect(try rows.first?.string("callback_state") == "delivered")
        #expect(try rows.first?.int("callback_status") == 200)
        await shop.shutdown()
    }

    @Test func lostCallbackPhoneSendsNothing() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        let request = FunctionRequest(
            method: "POST", path: "/", headers: ["Authorization": "Bearer \(token)"],
            body: SandboxShop.push(phone: "254700000005"))
        let context = sandboxContext(shop, function: "darajaStkPush", request: request, outgoing: RecordingOutgoing())
        let (response, task) = await StkPush.run(request, context: context, settings: SandboxSettings())
        #expect(response.status == 200)
        #expect(task == nil)
        await shop.shutdown()
    }

    @Test func failedDeliveryIsRecordedNotThrown() async throws {
        let shop = try await SandboxShop.start()
        let token = try await shop.darajaToken()
        var settings = SandboxSettings()
        settings.callbackDelay = .zero
        let request = FunctionRequest(
            method: "POST", path: "/", headers: ["Authorization": "Bearer \(token)"],
            body: SandboxShop.push(phone: "254700000001"))
        let context = sandboxContext(shop, function: "darajaStkPush", request: request, outgoing: RecordingOutgoing(status: 503))
        let (response, task) = await StkPush.run(request, context: context, settings: settings)
        await task?.value
        let checkout = try JSONCoding.decode([String: String].self, from: response.body)["CheckoutRequestID"] ?? ""
        let rows = try await shop.store.query(
            "SELECT callback_state, callback_status FROM stk_requests WHERE checkout_request_id = $1", [.text(checkout)])
        #expect(try rows.first?.string("callback_state") == "failed")
        #expect(try rows.first?.int("callback_status") == 503)
        await shop.shutdown()
    }

    @Test func webhooksAreSignedEventsForConfirmAndRefund() async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        var settings = SandboxSettings()
        settings.webhookDelay = .zero
        settings.stripeWebhookURL = "http://127.0.0.1:9/webhooks/stripe"
        let outgoing = RecordingOutgoing()
        var sent = outgoing.sent.makeAsyncIterator()

        func call(_ path: String, _ form: String, parameters: [String: String] = [:]) async -> FunctionResponse {
            let request = FunctionRequest(
                method: "POST", path: path,
                headers: ["Authorization": "Bearer sk_test_sandbox", "Stripe-Version": "2024-06-20"],
                pathParameters: parameters, body: Array(form.utf8))
            let context = sandboxContext(shop, function: "stripe", request: request, outgoing: outgoing)
            return await StripeEndpoint.answer(request, context: context, settings: settings) {
                path.hasSuffix("/confirm") ? try await ConfirmPaymentIntent.run($0) : try await CreateRefund.run($0)
            }
        }

        let confirmed = await call(
            "/_sandbox/stripe/v1/payment_intents/\(id)/confirm", "payment_method=pm_card_visa", parameters: ["id": id])
        #expect(confirmed.status == 200)
        let succeeded = try #require(await sent.next())
        try expectSigned(succeeded, secret: "whsec_sandbox")
        #expect(succeeded.url == "http://127.0.0.1:9/webhooks/stripe")
        let event = try JSONCoding.decode(JSONValue.self, from: succeeded.body)
        #expect(event["object"] == .string("event"))
        #expect(event["type"] == .string("payment_intent.succeeded"))
        #expect(event["api_version"] == .string("2024-06-20"))
        #expect(event["livemode"] == .bool(false))
        #expect(event["id"]?.stringValue?.hasPrefix("evt_") == true)
        #expect(event["data"]?["object"]?["id"] == .string(id))
        #expect(event["data"]?["object"]?["status"] == .string("succeeded"))
        #expect(event["data"]?["object"]?["metadata"]?["order_id"] == .string("o1"))

        let refunded = await call("/_sandbox/stripe/v1/refunds", "payment_intent=\(id)&amount=100")
        #expect(refunded.status == 200)
        let refundEvent = try JSONCoding.decode(JSONValue.self, from: try #require(await sent.next()).body)
        #expect(refundEvent["type"] == .string("charge.refunded"))
        #expect(refundEvent["data"]?["object"]?["object"] == .string("charge"))
        #expect(refundEvent["data"]?["object"]?["amount_refunded"] == .integer(100))
        #expect(refundEvent["data"]?["previous_attributes"]?["amount_refunded"] == .integer(0))
        await shop.shutdown()
    }

    @Test func declineSendsPaymentFailed() async throws {
        let shop = try await SandboxShop.start()
        let id = try await shop.paymentIntent()["id"]?.stringValue ?? ""
        var settings = SandboxSettings()
        settings.webhookDelay = .zero
        let outgoing = RecordingOutgoing()
        var sent = outgoing.sent.makeAsyncIterator()
        let request = FunctionRequest(
            method: "POST", path: "/_sandbox/stripe/v1/payment_intents/\(id)/confirm",
            headers: ["Authorization": "Bearer sk_test_sandbox"], pathParameters: ["id": id],
            body: Array("payment_method=pm_card_chargeDeclined".utf8))
        let context = sandboxContext(shop, function: "stripeConfirmPaymentIntent", request: request, outgoing: outgoing)
        let response = await StripeEndpoint.answer(request, context: context, settings: settings, ConfirmPaymentIntent.run)
        #expect(response.status == 402)
        let webhook = try #require(await sent.next())
        #expect(webhook.url == "http://127.0.0.1:8080/webhooks/stripe")
        let event = try JSONCoding.decode(JSONValue.self, from: webhook.body)
        #expect(event["type"] == .string("payment_intent.payment_failed"))
        #expect(event["data"]?["object"]?["last_payment_error"]?["decline_code"] == .string("generic_decline"))
        await shop.shutdown()
    }

    /// Checks `Stripe-Signature` the way a receiver does: `t` recent and `v1` the HMAC of `t.body`.
    func expectSigned(_ request: OutgoingRequest, secret: String) throws {
        let header = try #require(request.headers["Stripe-Signature"])
        let parts = Dictionary(
            header.split(separator: ",").map { part in
                let pair = part.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            }, uniquingKeysWith: { first, _ in first })
        let timestamp = try #require(parts["t"].flatMap { Int($0) })
        #expect(abs(timestamp - Int(Date().timeIntervalSince1970)) < 60)
        #expect(parts["v1"] == StripeSignature.signature(secret: secret, timestamp: timestamp, body: request.body))
    }
}
