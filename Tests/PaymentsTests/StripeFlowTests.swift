import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import Testing

@testable import Payments

/// payOrder → PaymentIntent → signed webhook → paid; refunds; webhook signatures over the router.
@Suite("Stripe payments")
struct StripeFlowTests {
    static func fakeStripe() -> FakeGateway { FakeGateway(FakeGateway.stripe()) }

    /// Posts `event` to the webhook signed with `secret` at `timestamp` (now by default).
    func webhook(
        _ shop: PaymentsShop, _ event: String, secret: String = "whsec_test", timestamp: Int? = nil, header: String? = nil
    ) async -> (status: Int, code: String?) {
        let body = Array(event.utf8)
        let t = timestamp ?? Int(Date().timeIntervalSince1970)
        var headers = [("Content-Type", "application/json")]
        if let signature = header ?? StripeSignature.header(payload: body, secret: secret, timestamp: t) as String? {
            if !signature.isEmpty { headers.append(("Stripe-Signature", signature)) }
        }
        let response = await shop.shop.request("POST", "/webhooks/stripe", headers: headers, body: body)
        return (response.status, response.problem?.code)
    }

    static func intentEvent(_ type: String, id: String = "evt_\(UUID().uuidString.prefix(8))", intent: String, payment: String)
        -> String
    {
        #"""
        {"id":"\#(id)","object":"event","api_version":"2024-06-20","type":"\#(type)","data":{"object":{"id":"\#(intent)",
        "object":"payment_intent","amount":153450,"currency":"kes","latest_charge":"ch_1","status":"succeeded",
        "metadata":{"order_id":"o","payment_id":"\#(payment)"},
        "last_payment_error":{"code":"card_declined","message":"Your card was declined."}}}}
        """#
    }

    static func refundEvent(intent: String, refunded: Int, id: String = "evt_\(UUID().uuidString.prefix(8))") -> String {
        #"""
        {"id":"\#(id)","object":"event","type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge",
        "payment_intent":"\#(intent)","amount":153450,"amount_refunded":\#(refunded),"currency":"kes","refunded":\#(refunded >= 153_450)}}}
        """#
    }

    @Test func anIntentIsCreatedOnceWithAKeyFromThePayment() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            #expect(reply.status == 201)
            #expect(reply.body.paymentIntentID == "pi_1")
            #expect(reply.body.clientSecret == "pi_1_secret_x")
            let create = try #require(shop.fake.requests(to: "/v1/payment_intents").first)
            #expect(create.method == "POST")
            #expect(create.url == "http://127.0.0.1:9/_sandbox/stripe/v1/payment_intents")
            #expect(create.headers["Content-Type"] == "application/x-www-form-urlencoded")
            #expect(create.headers["Authorization"] == "Bearer sk_test_sandbox")
            #expect(create.headers["Stripe-Version"] == "2024-06-20")
            #expect(create.headers["Idempotency-Key"] == "pi-create:\(reply.body.paymentID)")
            #expect(create.idempotent)
            let form = create.formFields
            #expect(form["amount"] == "153450")
            #expect(form["currency"] == "kes")
            #expect(form["metadata[order_id]"] == order)
            #expect(form["metadata[payment_id]"] == reply.body.paymentID)
            #expect(form["automatic_payment_methods[enabled]"] == "true")

            // Asking again gives the same intent without a second create.
            let again = try await shop.pay(order, method: "stripe")
            #expect(again.status == 200)
            #expect(again.body.paymentID == reply.body.paymentID)
            #expect(again.body.paymentIntentID == "pi_1")
            #expect(shop.fake.requests(to: "/v1/payment_intents").count == 1)
        }
    }

    @Test func aCreateWithoutAnAnswerIsRetriedWithTheSameKey() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            shop.fake.answer { _ in throw OutgoingError(.timeout, "no answer") }
            let order = try await shop.order()
            await #expect(throws: FunctionError.self) { try await shop.pay(order, method: "stripe") }
            shop.fake.answer(FakeGateway.stripe())
            let reply = try await shop.pay(order, method: "stripe")
            #expect(reply.status == 201)
            let keys = shop.fake.requests(to: "/v1/payment_intents").map { $0.headers["Idempotency-Key"] }
            #expect(keys.count == 2)
            #expect(Set(keys) == ["pi-create:\(reply.body.paymentID)"])
        }
    }

    @Test func aSucceededWebhookPaysTheOrderOnce() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            let event = Self.intentEvent(
                "payment_intent.succeeded", id: "evt_paid", intent: "pi_1", payment: reply.body.paymentID)
            #expect(await webhook(shop, event).status == 200)
            let payment = try await shop.payment(reply.body.paymentID)
            #expect(payment.status == .succeeded)
            // The test host has no outgoing client: the charge could not be read, the payment still succeeded.
            #expect(try await shop.waitForOrder(order, status: "paid"))
            // A redelivery (new timestamp, same event id) changes nothing.
            #expect(await webhook(shop, event, secret: "whsec_next").status == 200)
            #expect(try await shop.events(named: "payment.succeeded").count == 1)
            // A late failure for the same intent does not undo the success.
            let failed = Self.intentEvent("payment_intent.payment_failed", intent: "pi_1", payment: reply.body.paymentID)
            #expect(await webhook(shop, failed).status == 200)
            #expect(try await shop.payment(reply.body.paymentID).status == .succeeded)
            // Unknown types are acknowledged and ignored.
            #expect(
                await webhook(
                    shop, #"{"id":"evt_x","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#
                ).status == 200)
        }
    }

    @Test func theCardDigitsAreFetchedOutsideTheTransaction() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            let body = Array(Self.intentEvent("payment_intent.succeeded", intent: "pi_1", payment: reply.body.paymentID).utf8)
            // Far from the real time: the signature holds only because the context's clock says so.
            let now = 1_700_000_000
            let request = FunctionRequest(
                method: "POST", path: "/webhooks/stripe",
                headers: ["Stripe-Signature": StripeSignature.header(payload: body, secret: "whsec_test", timestamp: now)],
                body: body)
            let response = try await StripeWebhook(gateways: shop.gateways).run(
                request, context: shop.context("stripeWebhook", clock: .fixed(WallTime(unixSeconds: now))))
            #expect(response.status == 200)
            let charge = try #require(shop.fake.requests(to: "/v1/charges/").first)
            #expect(charge.method == "GET")
            #expect(charge.url.hasSuffix("/v1/charges/ch_1"))
            #expect(charge.headers["Stripe-Version"] == "2024-06-20")
            #expect(try await shop.payment(reply.body.paymentID).cardLast4 == "4242")
            let succeeded = try await shop.events(named: "payment.succeeded")
            #expect(succeeded.first?["card_last4"] as? String == "4242")
            #expect(try await shop.waitForOrder(order, status: "paid"))
            let paid = try await shop.shop.store("orders").query("SELECT payload FROM soko_outbox WHERE name = 'order.paid'", [])
            #expect(try paid.first?.string("payload")?.contains(#""card_last4":"4242""#) == true)
        }
    }

    @Test func aFailedPaymentCanBeFollowedByASuccessfulOne() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let first = try await shop.pay(order, method: "stripe")
            let failed = Self.intentEvent("payment_intent.payment_failed", intent: "pi_1", payment: first.body.paymentID)
            #expect(await webhook(shop, failed).status == 200)
            let stored = try await shop.payment(first.body.paymentID)
            #expect(stored.status == .failed)
            #expect(stored.resultCode == "card_declined")
            #expect(try await shop.events(named: "payment.failed").count == 1)
            #expect(try await shop.orderStatus(order) == "pending_payment")
            // A new attempt is a new payment and a new intent.
            let second = try await shop.pay(order, method: "stripe")
            #expect(second.status == 201)
            #expect(second.body.paymentID != first.body.paymentID)
            let paid = Self.intentEvent(
                "payment_intent.succeeded", intent: second.body.paymentIntentID!, payment: second.body.paymentID)
            #expect(await webhook(shop, paid).status == 200)
            #expect(try await shop.waitForOrder(order, status: "paid"))
        }
    }

    @Test func badSignaturesAre400AndChangeNothing() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            let event = Self.intentEvent("payment_intent.succeeded", intent: "pi_1", payment: reply.body.paymentID)
            let now = Int(Date().timeIntervalSince1970)
            #expect(await webhook(shop, event, header: "") == (400, "signature-missing"))
            #expect(await webhook(shop, event, secret: "whsec_wrong") == (400, "signature-invalid"))
            #expect(await webhook(shop, event, timestamp: now - 400) == (400, "signature-invalid"))
            #expect(await webhook(shop, event, timestamp: now + 400) == (400, "signature-invalid"))
            #expect(await webhook(shop, event, header: "t=\(now)") == (400, "signature-invalid"))
            let tampered = StripeSignature.header(payload: Array(event.utf8), secret: "whsec_test", timestamp: now)
            #expect(
                await webhook(shop, event.replacingOccurrences(of: "153450", with: "1"), header: tampered) == (
                    400, "signature-invalid"
                ))
            #expect(try await shop.payment(reply.body.paymentID).status == .pending)
            #expect(try await shop.payments.query("SELECT event_id FROM stripe_events", []).isEmpty)
        }
    }

    @Test func refundsPartialThenFullMoveTheOrderToRefunded() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            let paid = Self.intentEvent("payment_intent.succeeded", intent: "pi_1", payment: reply.body.paymentID)
            #expect(await webhook(shop, paid).status == 200)
            #expect(try await shop.waitForOrder(order, status: "paid"))
            let id = reply.body.paymentID
            let admin = try shop.context("refundPayment", roles: ["admin"], path: ["id": id])

            let partialReply = try await RefundPayment(gateways: shop.gateways).run(.init(amount: 50_000), context: admin)
            #expect(partialReply.status == 200)
            let partial = partialReply.body
            #expect(partial.payment.status == .partiallyRefunded)
            #expect(partial.payment.refundedAmount == 50_000)
            let first = try #require(shop.fake.requests(to: "/v1/refunds").last)
            #expect(first.formFields["payment_intent"] == "pi_1")
            #expect(first.formFields["amount"] == "50000")
            #expect(first.headers["Idempotency-Key"] == "refund:\(id):0:50000")
            // Stripe's charge.refunded for the same refund adds nothing.
            #expect(await webhook(shop, Self.refundEvent(intent: "pi_1", refunded: 50_000)).status == 200)
            #expect(try await shop.events(named: "payment.refunded").count == 1)
            #expect(try await shop.orderStatus(order) == "paid")

            await #expect(throws: FunctionError.self) {
                try await RefundPayment(gateways: shop.gateways).run(.init(amount: 200_000), context: admin)
            }
            let full = try await RefundPayment(gateways: shop.gateways).run(.init(), context: admin).body
            #expect(full.payment.status == .refunded)
            #expect(full.payment.refundedAmount == 153_450)
            #expect(shop.fake.requests(to: "/v1/refunds").last?.headers["Idempotency-Key"] == "refund:\(id):50000:103450")
            let refunded = try await shop.events(named: "payment.refunded")
            #expect(refunded.map { $0["full"] as? Bool } == [false, true])
            #expect(refunded.last?["amount"] as? Int == 103_450)
            #expect(try await shop.waitForOrder(order, status: "refunded"))
            // Nothing is left to refund.
            do {
                _ = try await RefundPayment(gateways: shop.gateways).run(.init(), context: admin)
                Issue.record("a refunded payment was refunded again")
            } catch let error as FunctionError {
                #expect(error.problem.code == "payment-not-refundable")
            }
            // Customers cannot reach the route.
            let response = try await shop.shop.request(
                "POST", "/admin/payments/\(id)/refund", token: shop.customer, json: ["amount": 1])
            #expect(response.status == 403)
        }
    }

    @Test func cancellingAPaidOrderRefundsItInFull() async throws {
        try await PaymentsShop.with(fake: Self.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            #expect(
                await webhook(shop, Self.intentEvent("payment_intent.succeeded", intent: "pi_1", payment: reply.body.paymentID))
                    .status == 200)
            #expect(try await shop.waitForOrder(order, status: "paid"))
            #expect(await shop.shop.request("POST", "/orders/\(order)/cancel", token: shop.customer).status == 200)
            // The relay's delivery has no outgoing client in a test host; deliver order.cancelled by hand.
            let cancelled = try await shop.shop.store("orders").query(
                "SELECT id, payload FROM soko_outbox WHERE name = 'order.cancelled'", [])
            let row = try #require(cancelled.first)
            let payload = try JSONCoding.decode(
                OrderEvent.self, from: Array((try row.string("payload") ?? "").utf8))
            #expect(payload.previousStatus == "paid")
            let event = Event(
                id: try row.string("id") ?? "", name: "order.cancelled", source: "orders", occurredAt: "", payload: payload)
            try await RefundCancelledOrder(gateways: shop.gateways).run(event, context: shop.context("refundCancelledOrder"))
            try await RefundCancelledOrder(gateways: shop.gateways).run(event, context: shop.context("refundCancelledOrder"))
            #expect(shop.fake.requests(to: "/v1/refunds").count == 1)
            #expect(try await shop.payment(reply.body.paymentID).status == .refunded)
            #expect(try await shop.waitForOrder(order, status: "refunded"))
        }
    }

    @Test func mpesaPaymentsAreNotRefundedThroughStripe() async throws {
        try await PaymentsShop.with { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "mpesa", phone: "0708374149")
            try await shop.payments.execute(
                "UPDATE payments SET status = 'succeeded' WHERE id = $1", [.text(reply.body.paymentID)])
            let payment = try await shop.payment(reply.body.paymentID)
            do {
                _ = try await RefundPayment.refund(
                    payment, amount: nil, context: shop.context("refundPayment"), gateways: shop.gateways)
                Issue.record("an M-Pesa payment was refunded through Stripe")
            } catch let error as FunctionError {
                #expect(error.problem.status == 422)
                #expect(error.problem.code == "refund-not-supported")
            }
            #expect(shop.fake.requests(to: "/v1/refunds").isEmpty)
        }
    }
}

/// A payment that succeeds for an order no longer awaiting one is given back, and the order is left as it is.
@Suite("Unneeded payments")
struct UnneededPaymentTests {
    @Test func aPaymentThatSucceedsAfterTheOrderWasCancelledIsRefunded() async throws {
        try await PaymentsShop.with(fake: StripeFlowTests.fakeStripe()) { shop in
            let order = try await shop.order()
            let reply = try await shop.pay(order, method: "stripe")
            #expect(await shop.shop.request("POST", "/orders/\(order)/cancel", token: shop.customer).status == 200)
            // The customer had already confirmed the card: the success arrives after the cancel.
            let succeeded = StripeFlowTests.intentEvent("payment_intent.succeeded", intent: "pi_1", payment: reply.body.paymentID)
            #expect(await StripeFlowTests().webhook(shop, succeeded).status == 200)
            #expect(try await shop.payment(reply.body.paymentID).status == .succeeded)

            // Orders refuses it (markPaid, through the relay) and hands it back.
            let orders = shop.shop.store("orders")
            var handedBack: Row?
            for _ in 0..<500 where handedBack == nil {
                handedBack = try await orders.query(
                    "SELECT id, payload FROM soko_outbox WHERE name = 'payment.unneeded'", []
                ).first
                if handedBack == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let row = try #require(handedBack)
            let payload = try JSONCoding.decode(
                PaymentUnneeded.self, from: Array((try row.string("payload") ?? "").utf8))
            #expect(payload.paymentID == reply.body.paymentID)
            let event = Event(
                id: try row.string("id") ?? "", name: "payment.unneeded", source: "orders", occurredAt: "", payload: payload)
            // The relay's own delivery has no gateway here; deliver it by hand, twice (a redelivery).
            try await RefundUnneededPayment(gateways: shop.gateways).run(event, context: shop.context("refundUnneededPayment"))
            try await RefundUnneededPayment(gateways: shop.gateways).run(event, context: shop.context("refundUnneededPayment"))
            #expect(shop.fake.requests(to: "/v1/refunds").count == 1)
            #expect(try await shop.payment(reply.body.paymentID).status == .refunded)

            // Its payment.refunded reaches Orders, which leaves the cancelled order cancelled.
            var seen = false
            for _ in 0..<500 where !seen {
                seen =
                    try await orders.query(
                        "SELECT 1 AS n FROM soko_processed_events WHERE consumer = 'orders.markRefunded'", []
                    ).count == 1
                if !seen { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(seen)
            #expect(try await shop.orderStatus(order) == "cancelled")
        }
    }
}
