import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

@testable import Payments

/// M-Pesa refunds through Daraja's Reversal API on the whole shop: a cancelled paid order's payment
/// is reversed (the request as Daraja wants it), the asynchronous result settles it once, failures
/// and queue timeouts are listed for an admin to retry — on SQLite and on PostgreSQL.
@Suite("M-Pesa refunds")
struct MpesaRefundTests {
    /// Daraja as ``FakeGateway/daraja(queryResult:)`` plus the Reversal API's acknowledgement.
    static func darajaWithReversals() -> @Sendable (OutgoingRequest) throws -> OutgoingResponse {
        let daraja = FakeGateway.daraja()
        let next = FakeGateway.counter()
        return { request in
            guard request.url.contains("/mpesa/reversal/v1/request") else { return try daraja(request) }
            let n = next()
            return FakeGateway.json(
                #"{"OriginatorConversationID":"10571-7910404-\#(n)","ConversationID":"AG_20261205_\#(n)","#
                    + #""ResponseCode":"0","ResponseDescription":"Accept the service request successfully."}"#)
        }
    }

    /// A paid M-Pesa order: push, success callback, STK Query confirmation, order `paid`.
    func paidOrder(_ shop: PaymentsShop) async throws -> (order: String, payment: Payment) {
        let order = try await shop.order()
        let reply = try await shop.pay(order, method: "mpesa", phone: "0708374149")
        let payment = try await shop.payment(reply.body.paymentID)
        let push = try #require(shop.fake.requests(to: "/stkpush/").last)
        let token = try #require((push.jsonObject["CallBackURL"] as? String)?.split(separator: "/").last.map(String.init))
        let checkout = try #require(payment.checkoutRequestID)
        let body = CallbackSamples.success(checkout: checkout, amount: "1535.00")
        _ = await shop.shop.request(
            "POST", "/webhooks/mpesa/\(token)", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        let event = Event(
            id: "confirm-\(payment.id)", name: "mpesa.callback_received", source: "payments", occurredAt: "",
            payload: MpesaCallbackReceived(paymentID: payment.id, checkoutRequestID: checkout))
        try await ConfirmMpesa(gateways: shop.gateways).run(event, context: shop.context("confirmMpesa"))
        #expect(try await shop.waitForOrder(order, status: "paid"))
        return (order, try await shop.payment(payment.id))
    }

    /// Waits (polling, with a deadline) for the payment's reversal to reach `status`.
    func reversal(_ shop: PaymentsShop, payment: String, status: MpesaReversal.Status) async throws -> MpesaReversal {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let found = try await MpesaReversal.find("payment_id = $1", [.text(payment)], in: shop.payments),
                found.status == status
            {
                return found
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let found = try await MpesaReversal.find("payment_id = $1", [.text(payment)], in: shop.payments)
        throw ShopTestError("reversal of \(payment) is \(found?.status.rawValue ?? "missing"), not \(status.rawValue)")
    }

    /// The test host has no outgoing client, so the `order.cancelled` consumer's own request fails
    /// (`failed`, as when Daraja is down); an admin's retry then goes through the fake Daraja.
    func retried(_ shop: PaymentsShop, _ reversal: MpesaReversal) async throws -> MpesaReversal {
        let reply = try await RetryRefund(gateways: shop.gateways).run(
            NoInput(), context: shop.context("retryRefund", roles: ["admin"], path: ["id": reversal.id]))
        #expect(reply.status == 202)
        return reply.body
    }

    func post(_ shop: PaymentsShop, _ path: String, _ body: String) async -> TestResponse {
        await shop.shop.request("POST", path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    static func result(
        conversation: String, code: String = "0", description: String = "The service request is processed successfully."
    )
        -> String
    {
        #"""
        {"Result":{"ResultType":0,"ResultCode":\#(code),"ResultDesc":"\#(description)",
        "OriginatorConversationID":"10571-7910404-1","ConversationID":"\#(conversation)","TransactionID":"SKL4RVS1X2",
        "ResultParameters":{"ResultParameter":[{"Key":"Amount","Value":1535},{"Key":"OriginalTransactionID","Value":"QKH94M1Z11"},
        {"Key":"TransCompletedTime","Value":20261205120000},{"Key":"Charge","Value":0}]},
        "ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://x"}}}}
        """#
    }

    @Test func aCancelledPaidOrderIsReversedOnceAndRefunded() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.darajaWithReversals())) { try await reversedOnce($0) }
    }

    @Test func theReversalWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(fake: FakeGateway(Self.darajaWithReversals()), configuration: configuration) {
            try await reversedOnce($0)
        }
    }

    func reversedOnce(_ shop: PaymentsShop) async throws {
        let (order, payment) = try await paidOrder(shop)
        let cancelled = await shop.shop.request("POST", "/orders/\(order)/cancel", token: shop.customer)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        let failed = try await reversal(shop, payment: payment.id, status: .failed)
        #expect(failed.amount == 153_500 && failed.receipt == "QKH94M1Z11" && failed.attempts == 1)
        #expect(try await shop.payment(payment.id).refundDue)

        let requested = try await retried(shop, failed)
        #expect(requested.status == .requested && requested.attempts == 2)
        #expect(requested.conversationID == "AG_20261205_1")
        let sent = try #require(shop.fake.requests(to: "/mpesa/reversal/v1/request").last).jsonObject
        #expect(sent["Initiator"] as? String == "testapi")
        #expect(sent["SecurityCredential"] as? String == "sandbox-credential")
        #expect(sent["CommandID"] as? String == "TransactionReversal")
        #expect(sent["TransactionID"] as? String == "QKH94M1Z11")
        #expect(sent["Amount"] as? Int == 1535)
        #expect(sent["ReceiverParty"] as? String == "174379")
        #expect(sent["RecieverIdentifierType"] as? String == "11")
        let resultURL = try #require(sent["ResultURL"] as? String)
        #expect(resultURL.hasPrefix("http://127.0.0.1:9/webhooks/mpesa/reversal/") && resultURL.hasSuffix("/result"))
        let token = String(resultURL.split(separator: "/").dropLast().last!)
        #expect(sent["QueueTimeOutURL"] as? String == "http://127.0.0.1:9/webhooks/mpesa/reversal/\(token)/timeout")
        #expect(
            try await shop.payments.query("SELECT callback_token_hash FROM mpesa_reversals", []).first?.string(
                "callback_token_hash") == CallbackToken.hash(token))

        // A wrong token and another conversation's result are acknowledged and change nothing.
        let forged = await post(shop, "/webhooks/mpesa/reversal/made-up-token/result", Self.result(conversation: "AG_20261205_1"))
        #expect(forged.status == 200 && forged.text == #"{"ResultCode":0,"ResultDesc":"Accepted"}"#)
        _ = await post(shop, "/webhooks/mpesa/reversal/\(token)/result", Self.result(conversation: "AG_other"))
        #expect(try await shop.payment(payment.id).status == .succeeded)
        #expect(await post(shop, "/webhooks/mpesa/reversal/\(token)/result", "{not json").status == 400)

        // The result, twice (Daraja may repeat it): one refund.
        for _ in 0..<2 {
            let answer = await post(shop, "/webhooks/mpesa/reversal/\(token)/result", Self.result(conversation: "AG_20261205_1"))
            #expect(answer.status == 200 && answer.text == #"{"ResultCode":0,"ResultDesc":"Accepted"}"#)
        }
        let refunded = try await shop.payment(payment.id)
        #expect(refunded.status == .refunded && refunded.refundedAmount == 153_500 && !refunded.refundDue)
        let events = try await shop.events(named: "payment.refunded")
        #expect(events.count == 1)
        #expect(events.first?["full"] as? Bool == true && events.first?["method"] as? String == "mpesa")
        #expect(try await shop.waitForOrder(order, status: "refunded"))

        // The admin list shows it settled, with Safaricom's id for the reversal; customers see nothing.
        let listed = await shop.shop.request("GET", "/admin/refunds?status=succeeded", token: shop.admin)
        #expect(listed.status == 200)
        #expect(listed.text.contains(#""reversal_transaction_id":"SKL4RVS1X2""#))
        #expect(!listed.text.contains("callback_token_hash") && !listed.text.contains(token))
        #expect(await shop.shop.request("GET", "/admin/refunds", token: shop.customer).status == 403)
        #expect(await shop.shop.request("GET", "/admin/refunds?status=nope", token: shop.admin).status == 400)
        // Settled: nothing to retry.
        await #expect(throws: FunctionError.self) { _ = try await retried(shop, failed) }
    }

    @Test func aRefusedResultOrAQueueTimeoutFailsTheRefundForARetry() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.darajaWithReversals())) { shop in
            let (order, payment) = try await paidOrder(shop)
            _ = await shop.shop.request("POST", "/orders/\(order)/cancel", token: shop.customer)
            var current = try await retried(shop, try await reversal(shop, payment: payment.id, status: .failed))
            var token = try #require(
                (shop.fake.requests(to: "/reversal/").last?.jsonObject["ResultURL"] as? String)?.split(separator: "/")
                    .dropLast().last.map(String.init))
            // A requested reversal awaits its result: not retryable.
            await #expect(throws: FunctionError.self) { _ = try await retried(shop, current) }

            _ = await post(
                shop, "/webhooks/mpesa/reversal/\(token)/result",
                Self.result(
                    conversation: current.conversationID ?? "", code: #""R000002""#,
                    description: "The OriginalTransactionID is invalid."))
            current = try await reversal(shop, payment: payment.id, status: .failed)
            #expect(current.resultCode == "R000002")
            #expect(try await shop.payment(payment.id).status == .succeeded)

            current = try await retried(shop, current)
            token = try #require(
                (shop.fake.requests(to: "/reversal/").last?.jsonObject["ResultURL"] as? String)?.split(separator: "/")
                    .dropLast().last.map(String.init))
            _ = await post(
                shop, "/webhooks/mpesa/reversal/\(token)/timeout",
                Self.result(conversation: current.conversationID ?? "", code: "1"))
            current = try await reversal(shop, payment: payment.id, status: .failed)
            #expect(current.resultCode == "queue-timeout" && current.attempts == 3)
            let listed = await shop.shop.request("GET", "/admin/refunds?status=failed", token: shop.admin)
            #expect(listed.text.contains(current.id))
            #expect(try await shop.events(named: "payment.refunded").isEmpty)

            // Sent again and its result lost: an hour later it may be retried, and Daraja's
            // "already reversed" (R000001) settles it as the success it was.
            current = try await retried(shop, current)
            await #expect(throws: FunctionError.self) { _ = try await retried(shop, current) }
            try await shop.payments.execute(
                "UPDATE mpesa_reversals SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = $1", [.text(current.id)])
            current = try await retried(shop, current)
            #expect(current.status == .requested && current.attempts == 5)
            token = try #require(
                (shop.fake.requests(to: "/reversal/").last?.jsonObject["ResultURL"] as? String)?.split(separator: "/")
                    .dropLast().last.map(String.init))
            _ = await post(
                shop, "/webhooks/mpesa/reversal/\(token)/result",
                Self.result(
                    conversation: current.conversationID ?? "", code: #""R000001""#,
                    description: "The transaction has already been reversed."))
            current = try await reversal(shop, payment: payment.id, status: .succeeded)
            #expect(try await shop.payment(payment.id).status == .refunded)
            #expect(try await shop.events(named: "payment.refunded").count == 1)
        }
    }

    @Test func concurrentStartsAndResultsMoveTheMoneyOnce() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.darajaWithReversals())) { try await concurrently($0) }
    }

    @Test func concurrentStartsAndResultsMoveTheMoneyOnceOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(fake: FakeGateway(Self.darajaWithReversals()), configuration: configuration) {
            try await concurrently($0)
        }
    }

    func concurrently(_ shop: PaymentsShop) async throws {
        let (_, payment) = try await paidOrder(shop)
        // Six deliveries of the same cause at once (redeliveries, two replicas): one reversal.
        let gateways = shop.gateways
        let context = try shop.context("refundUnneededPayment")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask { _ = try await MpesaRefunds.start(payment, context: context, gateways: gateways) }
            }
            try await group.waitForAll()
        }
        let rows = try await shop.payments.query("SELECT id FROM mpesa_reversals WHERE payment_id = $1", [.text(payment.id)])
        #expect(rows.count == 1)
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 1)
        let requested = try await reversal(shop, payment: payment.id, status: .requested)
        let sent = try #require(shop.fake.requests(to: "/mpesa/reversal/v1/request").last).jsonObject
        let token = try #require((sent["ResultURL"] as? String)?.split(separator: "/").dropLast().last.map(String.init))

        // The result eight times at once: one refund, one event.
        let body = Self.result(conversation: requested.conversationID ?? "")
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { await post(shop, "/webhooks/mpesa/reversal/\(token)/result", body).status }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        #expect(try await shop.events(named: "payment.refunded").count == 1)
        let refunded = try await shop.payment(payment.id)
        #expect(refunded.status == .refunded && refunded.refundedAmount == 153_500)
    }
}
