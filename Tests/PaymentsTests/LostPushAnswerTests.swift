import Foundation
import ShopTesting
import SokoFunctions
import Synchronization
import Testing

@testable import Payments

/// An STK push Daraja accepted whose answer never reached us (a dropped connection, a timeout, a
/// proxy's 502): the payment must stay pending and keep its callback, or the shopper pays twice and
/// the first charge is never recorded (the chaos run, issue 15) — on SQLite and PostgreSQL.
@Suite("M-Pesa pushes whose answer was lost")
struct LostPushAnswerTests {
    /// How the answer to an accepted push is lost.
    enum Loss: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case droppedConnection, timeout, badGateway
        var testDescription: String { rawValue }
    }

    /// The push Daraja accepted: its CheckoutRequestID and the token of its callback URL.
    struct Accepted: Sendable {
        var checkout: String
        var token: String
    }

    /// The pushes the fake Daraja accepted, in order.
    final class AcceptedPushes: Sendable {
        let all = Mutex<[Accepted]>([])
        var first: Accepted? { all.withLock { $0.first } }
    }

    /// Daraja that accepts every push (recording what it accepted) but loses the answer to the
    /// first `lost` of them in the way `loss` says; tokens, queries and reversals answer normally.
    static func losing(
        _ loss: Loss, lost: Int = 1, accepted: AcceptedPushes = AcceptedPushes()
    ) -> @Sendable (OutgoingRequest) throws -> OutgoingResponse {
        let daraja = MpesaRefundTests.darajaWithReversals()
        return { request in
            let answer = try daraja(request)
            guard request.url.contains("/stkpush/v1/processrequest") else { return answer }
            let checkout =
                (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?[
                    "CheckoutRequestID"] as? String
            let url = request.jsonObject["CallBackURL"] as? String ?? ""
            let count = accepted.all.withLock { all in
                all.append(Accepted(checkout: checkout ?? "", token: String(url.split(separator: "/").last ?? "")))
                return all.count
            }
            guard count <= lost else { return answer }
            switch loss {
            case .droppedConnection: throw OutgoingError(.transport, "connection reset by peer")
            case .timeout: throw OutgoingError(.timeout, "no answer within the deadline")
            case .badGateway:
                return OutgoingResponse(
                    status: 502, headers: ["Content-Type": "text/html"], body: Array("<h1>502 Bad Gateway</h1>".utf8))
            }
        }
    }

    func callback(_ shop: PaymentsShop, token: String, _ body: String) async -> Int {
        await shop.shop.request(
            "POST", "/webhooks/mpesa/\(token)", headers: [("Content-Type", "application/json")], body: Array(body.utf8)
        ).status
    }

    /// Pays `order` expecting the lost answer: 503 naming the payment, which stays pending.
    func payLosingTheAnswer(_ shop: PaymentsShop, _ order: String) async throws -> Payment {
        do {
            _ = try await shop.pay(order, method: "mpesa", phone: "0708374149")
            Issue.record("expected 503: the push's answer was lost")
        } catch let error as FunctionError {
            #expect(error.problem.status == 503)
            #expect(error.problem.code == "gateway-unavailable")
            let location = try #require(error.headers["Location"])
            let payment = try await shop.payment(String(location.dropFirst("/payments/".count)))
            #expect(payment.status == .pending)
            #expect(payment.checkoutRequestID == nil)
            return payment
        }
        throw ShopTestError("no payment")
    }

    @Test(arguments: Loss.allCases)
    func theCallbackOfAPushWhoseAnswerWasLostPaysTheOrder(loss: Loss) async throws {
        let accepted = AcceptedPushes()
        try await PaymentsShop.with(fake: FakeGateway(Self.losing(loss, accepted: accepted))) { shop in
            let order = try await shop.order()
            let payment = try await payLosingTheAnswer(shop, order)
            #expect(try await shop.events(named: "payment.failed").isEmpty)
            // The shopper's retry does not push again while the first push may be paid.
            do {
                _ = try await shop.pay(order, method: "mpesa", phone: "0708374149")
                Issue.record("expected 409 payment-pending")
            } catch let error as FunctionError {
                #expect(error.problem.status == 409 && error.problem.code == "payment-pending")
                #expect(error.headers["Location"] == "/payments/\(payment.id)")
            }
            #expect(shop.fake.requests(to: "/stkpush/").count == 1)

            // Daraja's callback arrives: found by the URL's token, it adopts the CheckoutRequestID.
            let first = try #require(accepted.first)
            #expect(
                await callback(shop, token: first.token, CallbackSamples.success(checkout: first.checkout, amount: "1535")) == 200
            )
            var stored = try await shop.payment(payment.id)
            #expect(stored.checkoutRequestID == first.checkout && stored.receipt == "QKH94M1Z11")
            let event = Event(
                id: "e-\(payment.id)", name: "mpesa.callback_received", source: "payments", occurredAt: "",
                payload: MpesaCallbackReceived(paymentID: payment.id, checkoutRequestID: first.checkout))
            try await ConfirmMpesa(gateways: shop.gateways).run(event, context: shop.context("confirmMpesa"))
            stored = try await shop.payment(payment.id)
            #expect(stored.status == .succeeded)
            #expect(try await shop.waitForOrder(order, status: "paid"))
        }
    }

    @Test func anExpiredPushPaidLateIsRecordedAndRefundedWhenTheRetryPaidTheOrder() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.losing(.badGateway))) {
            try await expiredThenPaidTwice($0)
        }
    }

    @Test func anExpiredPushPaidLateOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await PaymentsShop.with(
            fake: FakeGateway(Self.losing(.droppedConnection)), configuration: configuration
        ) { try await expiredThenPaidTwice($0) }
    }

    /// Push 1 loses its answer and expires; the retry (push 2) pays the order; push 1's callback
    /// comes late: it is recorded, settled by reconciliation, and refunded as `payment.unneeded`.
    func expiredThenPaidTwice(_ shop: PaymentsShop) async throws {
        let order = try await shop.order()
        let lost = try await payLosingTheAnswer(shop, order)
        let push = try #require(shop.fake.requests(to: "/stkpush/").first)
        let token = try #require((push.jsonObject["CallBackURL"] as? String)?.split(separator: "/").last.map(String.init))

        // Reconciliation cannot query a push without a CheckoutRequestID: it waits out the STK
        // window (twice `reconcileAfter`), then expires it so the order can be paid again.
        let reconcile = ReconcileMpesa(gateways: shop.gateways)
        let start = Int(Date().timeIntervalSince1970)
        let within = try await reconcile.reconcile(
            context: shop.context("reconcileMpesa", clock: .fixed(WallTime(unixSeconds: start + 200))))
        #expect(within.stillPending == [lost.id])
        let expiry = WallTime(unixSeconds: start + 2 * shop.gateways.settings.reconcileAfter + 10)
        let expired = try await reconcile.reconcile(context: shop.context("reconcileMpesa", clock: .fixed(expiry)))
        #expect(expired.failed == [lost.id])
        #expect(try await shop.payment(lost.id).resultCode == MpesaPayment.unansweredCode)

        // The retry pays the order.
        let retry = try await shop.pay(order, method: "mpesa", phone: "0708374149")
        #expect(retry.status == 202)
        let second = try #require(retry.body.checkoutRequestID)
        let retryToken = try #require(
            (shop.fake.requests(to: "/stkpush/").last?.jsonObject["CallBackURL"] as? String)?.split(separator: "/").last
                .map(String.init))
        #expect(await callback(shop, token: retryToken, CallbackSamples.success(checkout: second, amount: "1535")) == 200)
        let confirm = Event(
            id: "e-\(retry.body.paymentID)", name: "mpesa.callback_received", source: "payments", occurredAt: "",
            payload: MpesaCallbackReceived(paymentID: retry.body.paymentID, checkoutRequestID: second))
        try await ConfirmMpesa(gateways: shop.gateways).run(confirm, context: shop.context("confirmMpesa"))
        #expect(try await shop.waitForOrder(order, status: "paid"))

        // The first push was charged after all; its callback, late, is matched by its token.
        let late = "ws_CO_late_\(UUID().uuidString.prefix(8))"
        #expect(
            await callback(shop, token: token, CallbackSamples.success(checkout: late, amount: "1535", receipt: "QKL8TE1Z22"))
                == 200)
        var first = try await shop.payment(lost.id)
        #expect(first.checkoutRequestID == late && first.receipt == "QKL8TE1Z22" && first.callbackAt != nil)
        #expect(first.status == .failed)  // until STK Query confirms it
        // A wrong token for it changes nothing (still only the token proves the callback).
        let forged = String(repeating: "B", count: 43)
        #expect(await callback(shop, token: forged, CallbackSamples.success(checkout: late, amount: "1535")) == 200)

        // Reconciliation confirms it by STK Query (as if confirmMpesa had given up): succeeded.
        let settled = try await reconcile.reconcile(context: shop.context("reconcileMpesa", clock: .fixed(expiry)))
        #expect(settled.succeeded == [lost.id])
        first = try await shop.payment(lost.id)
        #expect(first.status == .succeeded)
        #expect(try await shop.events(named: "payment.succeeded").count == 2)

        // Orders answers `payment.unneeded` (the order was paid by the retry) and Payments reverses
        // the extra charge: the test host has no outgoing client, so the relay's attempt fails and
        // an admin's retry goes through the fake Daraja.
        let refunds = MpesaRefundTests()
        let failed = try await refunds.reversal(shop, payment: lost.id, status: .failed)
        #expect(failed.amount == 153_500 && failed.receipt == "QKL8TE1Z22")
        let requested = try await refunds.retried(shop, failed)
        #expect(requested.status == .requested)
        #expect(shop.fake.requests(to: "/mpesa/reversal/v1/request").last?.jsonObject["TransactionID"] as? String == "QKL8TE1Z22")
        #expect(try await shop.orderStatus(order) == "paid")
        let unneeded = try await shop.shop.store("orders").query(
            "SELECT payment_id FROM unneeded_payments WHERE order_id = $1", [.text(order)])
        #expect(try unneeded.map { try $0.string("payment_id") } == [lost.id])
    }

    @Test func aLateFailureCallbackLeavesTheExpiredPushFailedForGood() async throws {
        try await PaymentsShop.with(fake: FakeGateway(Self.losing(.timeout))) { shop in
            let order = try await shop.order()
            let lost = try await payLosingTheAnswer(shop, order)
            let push = try #require(shop.fake.requests(to: "/stkpush/").first)
            let token = try #require(
                (push.jsonObject["CallBackURL"] as? String)?.split(separator: "/").last.map(String.init))
            let reconcile = ReconcileMpesa(gateways: shop.gateways)
            let expiry = WallTime(
                unixSeconds: Int(Date().timeIntervalSince1970) + 2 * shop.gateways.settings.reconcileAfter + 10)
            #expect(
                try await reconcile.reconcile(context: shop.context("reconcileMpesa", clock: .fixed(expiry))).failed == [lost.id])
            #expect(await callback(shop, token: token, CallbackSamples.failure(checkout: "ws_CO_gone", code: 1032)) == 200)
            let stored = try await shop.payment(lost.id)
            #expect(stored.status == .failed && stored.resultCode == "1032")
            // Nothing left to settle, and a success replayed afterwards cannot revive it.
            #expect(await callback(shop, token: token, CallbackSamples.success(checkout: "ws_CO_gone", amount: "1535")) == 200)
            #expect(try await shop.payment(lost.id).status == .failed)
            #expect(try await reconcile.reconcile(context: shop.context("reconcileMpesa", clock: .fixed(expiry))) == .init())
            #expect(try await shop.events(named: "mpesa.callback_received").isEmpty)
            #expect(try await shop.orderStatus(order) == "pending_payment")
        }
    }

    /// Only an answer that is not Daraja's is "unknown": Daraja's own error envelope, even with a
    /// 5xx status, is a refusal (nothing reached the phone), so the order can be paid again at once.
    @Test func darajasOwnErrorWithA500IsStillARefusal() async throws {
        let daraja = FakeGateway.daraja()
        let fake = FakeGateway { request in
            guard request.url.contains("/stkpush/") else { return try daraja(request) }
            return FakeGateway.json(
                #"{"requestId":"r","errorCode":"500.001.1001","errorMessage":"Unable to lock subscriber"}"#, status: 500)
        }
        try await PaymentsShop.with(fake: fake) { shop in
            let order = try await shop.order()
            do {
                _ = try await shop.pay(order, method: "mpesa", phone: "0708374149")
                Issue.record("expected a refusal")
            } catch let error as FunctionError {
                #expect(error.problem.status == 502 && error.problem.code == "mpesa-refused")
            }
            let payments = try await PaymentRepository.all("order_id = $1", [.text(order)], in: shop.payments)
            #expect(payments.map(\.status) == [.failed] && payments.first?.resultCode == "500.001.1001")
        }
    }
}
