import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

@testable import Payments

/// `POST /admin/payments/{id}/refund` for M-Pesa: a full reversal through Daraja, answered 202
/// `pending`, once however many admins ask at once — on SQLite and on PostgreSQL.
@Suite("M-Pesa refunds by an admin")
struct MpesaAdminRefundTests {
    let flows = MpesaRefundTests()

    func refund(_ shop: PaymentsShop, _ payment: String, amount: Int? = nil) async throws -> Reply<RefundPayment.Refunded> {
        try await RefundPayment(gateways: shop.gateways).run(
            .init(amount: amount), context: shop.context("refundPayment", roles: ["admin"], path: ["id": payment]))
    }

    func problem(_ shop: PaymentsShop, _ payment: String, amount: Int? = nil) async throws -> Problem? {
        do {
            _ = try await refund(shop, payment, amount: amount)
            return nil
        } catch let error as FunctionError {
            return error.problem
        }
    }

    @Test func anAdminReversesAnMpesaPaymentInFull() async throws {
        try await PaymentsShop.with(fake: FakeGateway(MpesaRefundTests.darajaWithReversals())) { try await reversed($0) }
    }

    @Test func anAdminReversesAnMpesaPaymentInFullOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(fake: FakeGateway(MpesaRefundTests.darajaWithReversals()), configuration: configuration) {
            try await reversed($0)
        }
    }

    func reversed(_ shop: PaymentsShop) async throws {
        let (order, payment) = try await flows.paidOrder(shop)
        // Daraja reverses whole transactions: a partial amount is refused, naming it.
        let partial = try #require(try await problem(shop, payment.id, amount: 50_000))
        #expect(partial.status == 422 && partial.errors?.first?.field == "amount")
        #expect(partial.errors?.first?.message.contains("153500") == true)
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").isEmpty)

        // Eight admins at once, the full amount named or left out: one request reaches Daraja.
        let gateways = shop.gateways
        let replies = try await withThrowingTaskGroup(of: Reply<RefundPayment.Refunded>.self) { group in
            for n in 0..<8 {
                let context = try shop.context("refundPayment", roles: ["admin"], path: ["id": payment.id])
                group.addTask {
                    try await RefundPayment(gateways: gateways).run(
                        .init(amount: n.isMultiple(of: 2) ? nil : 153_500), context: context)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 1)
        #expect(replies.allSatisfy { $0.status == 202 && $0.body.refund.status == "pending" && $0.body.refund.amount == 153_500 })
        #expect(Set(replies.map(\.body.refund.id)).count == 1)
        let requested = try await flows.reversal(shop, payment: payment.id, status: .requested)
        #expect(requested.id == replies.first?.body.refund.id)
        let sent = try #require(shop.fake.requests(to: "/mpesa/reversal/v1/request").first).jsonObject
        #expect(sent["TransactionID"] as? String == "QKH94M1Z11" && sent["Amount"] as? Int == 1535)
        // Asked again while it is under way: the same refund, nothing sent.
        let again = try await refund(shop, payment.id)
        #expect(again.status == 202 && again.body.refund.id == requested.id)
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 1)

        // The result settles it; then there is nothing left to refund.
        let token = try #require((sent["ResultURL"] as? String)?.split(separator: "/").dropLast().last.map(String.init))
        let settled = await flows.post(
            shop, "/webhooks/mpesa/reversal/\(token)/result",
            MpesaRefundTests.result(conversation: requested.conversationID ?? ""))
        #expect(settled.status == 200)
        #expect(try await shop.payment(payment.id).status == .refunded)
        #expect(try await shop.waitForOrder(order, status: "refunded"))
        #expect(try await problem(shop, payment.id)?.code == "payment-not-refundable")
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 1)
    }

    @Test func overHTTPTheAnswerIs202AndARefusalIs502ThenSentAgain() async throws {
        let refuse = Mutex(true)
        let accepting = MpesaRefundTests.darajaWithReversals()
        let fake = FakeGateway { request in
            if request.url.contains("/mpesa/reversal/v1/request"), refuse.withLock({ $0 }) {
                return FakeGateway.json(
                    #"{"requestId":"1","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid TransactionID"}"#,
                    status: 400)
            }
            return try accepting(request)
        }
        try await PaymentsShop.with(fake: fake) { shop in
            let (_, payment) = try await flows.paidOrder(shop)
            // The test host's own outgoing client is absent: over HTTP the request cannot reach
            // Daraja, which is 503 with the refund failed (sent again by the next call).
            let unreachable = try await shop.shop.request(
                "POST", "/admin/payments/\(payment.id)/refund", token: shop.admin, json: [String: Int]())
            #expect(unreachable.status == 503, "\(unreachable.text)")
            #expect(unreachable.text.contains("gateway-unavailable"))
            #expect(try await flows.reversal(shop, payment: payment.id, status: .failed).resultCode == nil)

            let refused = try #require(try await problem(shop, payment.id))
            #expect(refused.status == 502 && refused.code == "mpesa-refused")
            #expect(refused.detail.contains("Invalid TransactionID") == true)
            let failed = try await flows.reversal(shop, payment: payment.id, status: .failed)
            #expect(failed.resultCode == "400.002.02" && failed.attempts == 2)

            // The claim that decides who sends a failed refund again: one of eight at once wins.
            let context = try shop.context("refundPayment", roles: ["admin"])
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await MpesaRefunds.reopen(failed.id, staleBefore: nil, context: context) != nil }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(claims.filter { $0 }.count == 1)
            try await shop.payments.execute(
                "UPDATE mpesa_reversals SET status = 'failed' WHERE id = $1", [.text(failed.id)])

            // Six admins at once on the failed refund: it is reopened once, sent once.
            refuse.withLock { $0 = false }
            let gateways = shop.gateways
            let replies = try await withThrowingTaskGroup(of: Reply<RefundPayment.Refunded>.self) { group in
                for _ in 0..<6 {
                    let context = try shop.context("refundPayment", roles: ["admin"], path: ["id": payment.id])
                    group.addTask { try await RefundPayment(gateways: gateways).run(.init(), context: context) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(
                replies.allSatisfy { $0.status == 202 && $0.body.refund.status == "pending" && $0.body.refund.id == failed.id })
            let accepted = try #require(replies.first)
            #expect(accepted.body.payment.refundDue && accepted.body.payment.status == .succeeded)
            #expect(try await flows.reversal(shop, payment: payment.id, status: .requested).attempts == 3)
            #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").count == 2)
        }
    }
}
