import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

@testable import Payments

/// A reversal whose result never comes is not left `requested` for ever: ``ReconcileReversals``
/// asks Daraja's Transaction Status API, and its answer settles the refund — on SQLite and on
/// PostgreSQL. (The sandbox's side, a lost result and its status, is in SandboxTests.)
@Suite("M-Pesa reversal reconciliation")
struct ReversalReconciliationTests {
    let flows = MpesaRefundTests()

    /// Daraja accepting reversals (whose results the test never posts: lost) and status queries.
    static func daraja() -> @Sendable (OutgoingRequest) throws -> OutgoingResponse {
        let reversals = MpesaRefundTests.darajaWithReversals()
        let next = FakeGateway.counter()
        return { request in
            guard request.url.contains("/mpesa/transactionstatus/v1/query") else { return try reversals(request) }
            let n = next()
            return FakeGateway.json(
                #"{"OriginatorConversationID":"5118-111210482-\#(n)","ConversationID":"AG_20261206_S\#(n)","#
                    + #""ResponseCode":"0","ResponseDescription":"Accept the service request successfully."}"#)
        }
    }

    static func status(_ transactionStatus: String, code: String = "0") -> String {
        #"""
        {"Result":{"ResultType":0,"ResultCode":\#(code),"ResultDesc":"The service request is processed successfully.",
        "OriginatorConversationID":"5118-111210482-1","ConversationID":"AG_20261206_S1","TransactionID":"SL00000000",
        "ResultParameters":{"ResultParameter":[{"Key":"DebitPartyName","Value":"254708374149 - John Doe"},
        {"Key":"ReasonType","Value":"Pay Bill Online"},{"Key":"TransactionStatus","Value":"\#(transactionStatus)"},
        {"Key":"FinalisedTime","Value":20261206101500},{"Key":"Amount","Value":1535},{"Key":"ReceiptNo","Value":"QKH94M1Z11"}]},
        "ReferenceData":{"ReferenceItem":{"Key":"Occasion","Value":"Refund"}}}}
        """#
    }

    /// A paid order whose payment an admin refunded: the reversal is `requested`, its result lost.
    func lostResult(_ shop: PaymentsShop) async throws -> (order: String, reversal: MpesaReversal, start: Int) {
        let (order, payment) = try await flows.paidOrder(shop)
        let reply = try await RefundPayment(gateways: shop.gateways).run(
            .init(), context: shop.context("refundPayment", roles: ["admin"], path: ["id": payment.id]))
        #expect(reply.status == 202)
        let reversal = try await flows.reversal(shop, payment: payment.id, status: .requested)
        return (order, reversal, Int(WallClock.system.now().unixSeconds))
    }

    func reconcile(_ shop: PaymentsShop, at seconds: Int) async throws -> ReconcileReversals.Report {
        try await ReconcileReversals(gateways: shop.gateways).reconcile(
            context: shop.context("reconcileReversals", clock: .fixed(WallTime(unixSeconds: seconds))))
    }

    func statusToken(_ shop: PaymentsShop) throws -> String {
        let url = try #require(shop.fake.requests(to: "/transactionstatus/").last?.jsonObject["ResultURL"] as? String)
        return String(url.split(separator: "/").dropLast().last ?? "")
    }

    @Test func aLostResultIsFoundByTransactionStatus() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.daraja())) { try await found($0) }
    }

    @Test func aLostResultIsFoundByTransactionStatusOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(fake: FakeGateway(Self.daraja()), configuration: configuration) { try await found($0) }
    }

    func found(_ shop: PaymentsShop) async throws {
        let (order, reversal, start) = try await lostResult(shop)
        // Too early: the result may still come.
        #expect(try await reconcile(shop, at: start + 60) == .init())
        #expect(shop.fake.requests(to: "/transactionstatus/").isEmpty)

        let later = start + ReconcileReversals.wait + 1
        #expect(try await reconcile(shop, at: later).queried == [reversal.id])
        let sent = try #require(shop.fake.requests(to: "/mpesa/transactionstatus/v1/query").last).jsonObject
        #expect(sent["CommandID"] as? String == "TransactionStatusQuery")
        #expect(sent["TransactionID"] as? String == "QKH94M1Z11")
        #expect(sent["PartyA"] as? String == "174379" && sent["IdentifierType"] as? String == "4")
        #expect(sent["Initiator"] as? String == "testapi" && sent["SecurityCredential"] as? String == "sandbox-credential")
        let token = try statusToken(shop)
        #expect(sent["ResultURL"] as? String == "http://127.0.0.1:9/webhooks/mpesa/reversal/\(token)/status")
        #expect(sent["QueueTimeOutURL"] as? String == sent["ResultURL"] as? String)
        // Asked already: not again until the wait has passed once more.
        #expect(try await reconcile(shop, at: later + 60) == .init())
        #expect(shop.fake.requests(to: "/transactionstatus/").count == 1)

        // A query that failed, a made-up token and the reversal's own token change nothing.
        let path = "/webhooks/mpesa/reversal/\(token)/status"
        #expect(await flows.post(shop, path, Self.status("Reversed", code: "2001")).status == 200)
        #expect(await flows.post(shop, "/webhooks/mpesa/reversal/made-up/status", Self.status("Reversed")).status == 200)
        #expect(await flows.post(shop, path, "{not json").status == 400)
        #expect(try await flows.reversal(shop, payment: reversal.paymentID, status: .requested).id == reversal.id)

        // "Reversed": the money went back; the refund is settled as the lost result would have.
        let answer = await flows.post(shop, path, Self.status("Reversed"))
        #expect(answer.status == 200 && answer.text == #"{"ResultCode":0,"ResultDesc":"Accepted"}"#)
        let settled = try await flows.reversal(shop, payment: reversal.paymentID, status: .succeeded)
        #expect(settled.resultCode == "0")
        #expect(try await shop.payment(reversal.paymentID).status == .refunded)
        #expect(try await shop.waitForOrder(order, status: "refunded"))
        // The late result, and the status again: one refund.
        let resultURL = try #require(
            shop.fake.requests(to: "/mpesa/reversal/v1/request").last?.jsonObject["ResultURL"] as? String)
        _ = await flows.post(
            shop, String(resultURL.dropFirst("http://127.0.0.1:9".count)),
            MpesaRefundTests.result(conversation: reversal.conversationID ?? ""))
        _ = await flows.post(shop, path, Self.status("Reversed"))
        #expect(try await shop.events(named: "payment.refunded").count == 1)
        #expect(try await reconcile(shop, at: later + 2 * ReconcileReversals.wait) == .init())
    }

    @Test func aReversalThatNeverHappenedFailsForARetryAndAnOldQueryIsIgnored() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.daraja())) { shop in
            let (_, reversal, start) = try await lostResult(shop)
            _ = try await reconcile(shop, at: start + ReconcileReversals.wait + 1)
            let first = try statusToken(shop)
            _ = try await reconcile(shop, at: start + 2 * ReconcileReversals.wait + 2)
            let second = try statusToken(shop)
            #expect(first != second && shop.fake.requests(to: "/transactionstatus/").count == 2)
            // The first query's answer comes after the second was sent: its token is no longer the one.
            _ = await flows.post(shop, "/webhooks/mpesa/reversal/\(first)/status", Self.status("Completed"))
            #expect(try await flows.reversal(shop, payment: reversal.paymentID, status: .requested).id == reversal.id)

            _ = await flows.post(shop, "/webhooks/mpesa/reversal/\(second)/status", Self.status("Completed"))
            let failed = try await flows.reversal(shop, payment: reversal.paymentID, status: .failed)
            #expect(failed.resultCode == MpesaReversalStatus.notReversed)
            #expect(try await shop.payment(reversal.paymentID).status == .succeeded)
            // Listed for an admin, whose retry sends it again.
            let listed = await shop.shop.request("GET", "/admin/refunds?status=failed", token: shop.admin)
            #expect(listed.text.contains(reversal.id) && listed.text.contains(MpesaReversalStatus.notReversed))
            let retried = try await flows.retried(shop, failed)
            #expect(retried.status == .requested)
            #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 2)
        }
    }

    @Test func unansweredQueriesEndInAFailureAnAdminSees() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.daraja())) { shop in
            let (_, reversal, start) = try await lostResult(shop)
            var at = start
            for _ in 0..<ReconcileReversals.maximumQueries {
                at += ReconcileReversals.wait + 1
                #expect(try await reconcile(shop, at: at).queried == [reversal.id])
            }
            at += ReconcileReversals.wait + 1
            #expect(try await reconcile(shop, at: at).givenUp == [reversal.id])
            let failed = try await flows.reversal(shop, payment: reversal.paymentID, status: .failed)
            #expect(failed.resultCode == ReconcileReversals.unanswered)
            #expect(shop.fake.requests(to: "/transactionstatus/").count == ReconcileReversals.maximumQueries)
        }
    }

    @Test func aReversalLeftPendingByAStoppedProcessIsAskedAfterToo() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.daraja())) { shop in
            let (_, payment) = try await flows.paidOrder(shop)
            // The row written, the process gone before it sent anything.
            try await shop.payments.execute(
                """
                INSERT INTO mpesa_reversals (id, payment_id, order_id, amount, currency, receipt, status, attempts,
                    callback_token_hash, created_at, updated_at)
                VALUES ('rev_0123456789abcdef01234567', $1, $2, 153500, 'KES', 'QKH94M1Z11', 'pending', 0, 'x', $3, $3)
                """, [.text(payment.id), .text(payment.orderID), .text(Timestamp.format(seconds: 1_700_000_000))])
            let report = try await reconcile(shop, at: 1_700_000_000 + ReconcileReversals.wait + 1)
            #expect(report.queried == ["rev_0123456789abcdef01234567"])
            _ = await flows.post(shop, "/webhooks/mpesa/reversal/\(try statusToken(shop))/status", Self.status("Completed"))
            let failed = try await flows.reversal(shop, payment: payment.id, status: .failed)
            #expect(failed.resultCode == MpesaReversalStatus.notReversed && failed.attempts == 1)
        }
    }
}
