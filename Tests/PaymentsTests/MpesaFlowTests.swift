import Foundation
import ShopTesting
import SokoFunctions
import Testing

@testable import Payments

/// payOrder → STK push → callback → STK Query → paid, and every way a callback can go wrong, on the
/// whole shop (callbacks through the router; gateway calls against a fake Daraja).
@Suite("M-Pesa payments")
struct MpesaFlowTests {
    /// Starts a push for a new order; returns the order, the payment and the callback token.
    func started(_ shop: PaymentsShop) async throws -> (order: String, payment: Payment, token: String) {
        let order = try await shop.order()
        let reply = try await shop.pay(order, method: "mpesa", phone: "0708 374 149")
        #expect(reply.status == 202)
        let payment = try await shop.payment(reply.body.paymentID)
        let push = try #require(shop.fake.requests(to: "/stkpush/").last)
        let url = try #require(push.jsonObject["CallBackURL"] as? String)
        return (order, payment, String(url.split(separator: "/").last!))
    }

    func callback(_ shop: PaymentsShop, token: String, _ body: String) async -> (status: Int, text: String) {
        let response = await shop.shop.request(
            "POST", "/webhooks/mpesa/\(token)", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        return (response.status, response.text)
    }

    @Test func aPushIsSentAsDarajaWantsIt() async throws {
        try await PaymentsShop.with { shop in
            let order = try await shop.order(price: 123_450)  // + 300.00 shipping = 1534.50 → 1535
            let reply = try await shop.pay(order, method: "mpesa", phone: "+254 708 374 149")
            #expect(reply.status == 202)
            #expect(reply.body.status == .pending)
            #expect(reply.body.checkoutRequestID?.hasPrefix("ws_CO_") == true)
            #expect(reply.body.customerMessage == "Success. Request accepted for processing")

            let token = try #require(shop.fake.requests(to: "/oauth/v1/generate").first)
            #expect(token.method == "GET")
            #expect(token.url == "http://127.0.0.1:9/_sandbox/daraja/oauth/v1/generate?grant_type=client_credentials")
            #expect(token.headers["Authorization"] == "Basic " + Data("sandbox-key:sandbox-secret".utf8).base64EncodedString())

            let push = try #require(shop.fake.requests(to: "/mpesa/stkpush/v1/processrequest").first)
            #expect(push.headers["Authorization"] == "Bearer daraja-token")
            #expect(push.idempotent == false)
            let body = push.jsonObject
            #expect(body["Amount"] as? Int == 1535)
            #expect(body["PartyA"] as? String == "254708374149")
            #expect(body["PhoneNumber"] as? String == "254708374149")
            #expect(body["BusinessShortCode"] as? String == "174379")
            #expect(body["PartyB"] as? String == "174379")
            #expect(body["TransactionType"] as? String == "CustomerPayBillOnline")
            let timestamp = try #require(body["Timestamp"] as? String)
            #expect(timestamp.count == 14)
            #expect(
                body["Password"] as? String
                    == DarajaPassword(shortcode: "174379", passkey: PaymentsSettings.sandboxPasskey, timestamp: timestamp)
                    .password)
            #expect((body["AccountReference"] as? String)?.count ?? 99 <= 12)
            #expect((body["TransactionDesc"] as? String)?.count ?? 99 <= 13)
            let url = try #require(body["CallBackURL"] as? String)
            #expect(url.hasPrefix("http://127.0.0.1:9/webhooks/mpesa/"))
            let callbackToken = String(url.dropFirst("http://127.0.0.1:9/webhooks/mpesa/".count))
            #expect(callbackToken.count == 43)

            let payment = try await shop.payment(reply.body.paymentID)
            #expect(payment.status == .pending)
            #expect(payment.amount == 153_500)
            #expect(payment.checkoutRequestID == reply.body.checkoutRequestID)
            #expect(payment.callbackTokenHash == CallbackToken.hash(callbackToken))  // only the hash is kept
            #expect(payment.phone == "254708374149")

            // The token is cached: a second push fetches none.
            let other = try await shop.order()
            _ = try await shop.pay(other, method: "mpesa", phone: "0708374149")
            #expect(shop.fake.requests(to: "/oauth/v1/generate").count == 1)
        }
    }

    @Test func aSecondPushWhileOneIsPendingIs409NamingIt() async throws {
        try await PaymentsShop.with { shop in
            let (order, payment, _) = try await started(shop)
            await #expect(throws: FunctionError.self) { try await shop.pay(order, method: "mpesa", phone: "0708374149") }
            do {
                _ = try await shop.pay(order, method: "mpesa", phone: "0708374149")
            } catch let error as FunctionError {
                #expect(error.problem.status == 409)
                #expect(error.problem.code == "payment-pending")
                #expect(error.headers["Location"] == "/payments/\(payment.id)")
            }
            #expect(shop.fake.requests(to: "/stkpush/").count == 1)
        }
    }

    @Test func refusals() async throws {
        try await PaymentsShop.with { shop in
            let order = try await shop.order()
            func problem(_ body: () async throws -> Any) async -> Problem? {
                do {
                    _ = try await body()
                    return nil
                } catch let error as FunctionError {
                    return error.problem
                } catch {
                    return Problem(status: 0, code: "\(error)", detail: "")
                }
            }
            let badPhone = await problem { try await shop.pay(order, method: "mpesa", phone: "0812345678") }
            #expect(badPhone?.status == 422)
            #expect(badPhone?.errors?.first?.field == "phone")
            #expect(await problem { try await shop.pay(order, method: "mpesa") }?.errors?.first?.field == "phone")
            #expect(await problem { try await shop.pay(order, method: "cash") }?.errors?.first?.field == "method")
            // Someone else's order is missing, like an unknown one.
            let bob = try await shop.shop.customer("bob@example.com")
            let bobID = try await shop.shop.request("GET", "/users/me", token: bob).json(Identified.self).id
            #expect(
                await problem { try await shop.pay(order, method: "mpesa", phone: "0708374149", subject: bobID) }?.status == 404)
            #expect(
                await problem {
                    try await shop.pay("00000000-0000-4000-8000-000000000000", method: "mpesa", phone: "0708374149")
                }?
                .code == "order-not-found")
            // An order in dollars cannot go through M-Pesa.
            let dollars = try await shop.order(price: 1000, currency: "USD")
            let currency = await problem { try await shop.pay(dollars, method: "mpesa", phone: "0708374149") }
            #expect(currency?.status == 422)
            #expect(currency?.code == "currency-not-supported")
            // A cancelled order is not payable.
            #expect(await shop.shop.request("POST", "/orders/\(order)/cancel", token: shop.customer).status == 200)
            let cancelled = await problem { try await shop.pay(order, method: "mpesa", phone: "0708374149") }
            #expect(cancelled?.status == 409)
            #expect(cancelled?.code == "order-not-payable")
            #expect(shop.fake.requests(to: "/stkpush/").isEmpty)
        }
    }

    @Test func darajaRefusingThePushFailsThePayment() async throws {
        try await PaymentsShop.with { shop in
            let daraja = FakeGateway.daraja()
            shop.fake.answer { request in
                if request.url.contains("/stkpush/") {
                    return FakeGateway.json(
                        #"{"requestId":"r","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid CallBackURL"}"#,
                        status: 400)
                }
                return try daraja(request)
            }
            let order = try await shop.order()
            do {
                _ = try await shop.pay(order, method: "mpesa", phone: "0708374149")
                Issue.record("expected a refusal")
            } catch let error as FunctionError {
                #expect(error.problem.status == 502)
                #expect(error.problem.code == "mpesa-refused")
            }
            let failed = try await PaymentRepository.all("order_id = $1", [.text(order)], in: shop.payments)
            #expect(failed.map(\.status) == [.failed])
            #expect(failed.first?.resultCode == "400.002.02")
            // The order can be paid again at once.
            shop.fake.answer(daraja)
            #expect(try await shop.pay(order, method: "mpesa", phone: "0708374149").status == 202)
        }
    }

    @Test func aConfirmedSuccessPaysTheOrderWithItsReceipt() async throws {
        try await PaymentsShop.with { shop in
            let (order, payment, token) = try await started(shop)
            let checkout = try #require(payment.checkoutRequestID)
            let answer = await callback(shop, token: token, CallbackSamples.success(checkout: checkout, amount: "1535.00"))
            #expect(answer.status == 200)
            #expect(answer.text == #"{"ResultCode":0,"ResultDesc":"Accepted"}"#)

            // Not paid on the callback's word alone: it waits for STK Query.
            var stored = try await shop.payment(payment.id)
            #expect(stored.status == .pending)
            #expect(stored.receipt == "QKH94M1Z11")
            #expect(try await shop.events().contains("mpesa.callback_received"))

            let event = Event(
                id: "e-1", name: "mpesa.callback_received", source: "payments", occurredAt: "",
                payload: MpesaCallbackReceived(paymentID: payment.id, checkoutRequestID: checkout))
            try await ConfirmMpesa(gateways: shop.gateways).run(event, context: shop.context("confirmMpesa"))
            let query = try #require(shop.fake.requests(to: "/stkpushquery/v1/query").last)
            #expect(query.jsonObject["CheckoutRequestID"] as? String == checkout)
            stored = try await shop.payment(payment.id)
            #expect(stored.status == .succeeded)
            let succeeded = try await shop.events(named: "payment.succeeded")
            #expect(succeeded.count == 1)
            #expect(succeeded.first?["receipt"] as? String == "QKH94M1Z11")
            #expect(succeeded.first?["amount"] as? Int == 153_500)
            #expect(succeeded.first?["method"] as? String == "mpesa")

            // Orders' markPaid (through the relay) marks the order paid, with the payment in order.paid.
            #expect(try await shop.waitForOrder(order, status: "paid"))
            let paid = try await shop.shop.store("orders").query(
                "SELECT payload FROM soko_outbox WHERE name = 'order.paid'", [])
            let payload = try #require(try paid.first?.string("payload"))
            #expect(payload.contains(#""receipt":"QKH94M1Z11""#))
            #expect(payload.contains(#""payment_id":"\#(payment.id)""#))

            // A duplicate callback and a redelivered confirmation change nothing.
            let again = await callback(shop, token: token, CallbackSamples.success(checkout: checkout, amount: "1535"))
            #expect(again.status == 200)
            try await ConfirmMpesa(gateways: shop.gateways).run(event, context: shop.context("confirmMpesa"))
            #expect(try await shop.events(named: "payment.succeeded").count == 1)
            #expect(try await shop.events(named: "mpesa.callback_received").count == 1)
            let raw = try await shop.payments.query("SELECT outcome FROM mpesa_callbacks ORDER BY received_at", [])
            #expect(try raw.map { try $0.string("outcome") } == ["awaiting-confirmation", "already-decided"])
        }
    }

    @Test(arguments: [1032, 1037, 1, 2001, 1019])
    func aFailureCallbackFailsThePaymentAndTheOrderStaysPayable(code: Int) async throws {
        try await PaymentsShop.with { shop in
            let (order, payment, token) = try await started(shop)
            let checkout = try #require(payment.checkoutRequestID)
            let answer = await callback(shop, token: token, CallbackSamples.failure(checkout: checkout, code: code))
            #expect(answer.status == 200)
            let stored = try await shop.payment(payment.id)
            #expect(stored.status == .failed)
            #expect(stored.resultCode == String(code))
            let failed = try await shop.events(named: "payment.failed")
            #expect(failed.count == 1)
            #expect(failed.first?["result_code"] as? String == String(code))
            #expect(try await shop.orderStatus(order) == "pending_payment")
            // A duplicate changes nothing; a new push is allowed.
            _ = await callback(shop, token: token, CallbackSamples.failure(checkout: checkout, code: code))
            #expect(try await shop.events(named: "payment.failed").count == 1)
            #expect(try await shop.pay(order, method: "mpesa", phone: "0708374149").status == 202)
        }
    }

    @Test func callbacksThatMustChangeNothing() async throws {
        try await PaymentsShop.with { shop in
            let (_, payment, token) = try await started(shop)
            let checkout = try #require(payment.checkoutRequestID)

            // Unknown CheckoutRequestID: acknowledged, logged, nothing changes.
            let unknown = await callback(shop, token: token, CallbackSamples.success(checkout: "ws_CO_unknown", amount: "1535"))
            #expect(unknown.status == 200)
            // The right id with a wrong token (a forged callback).
            let forged = await callback(
                shop, token: String(repeating: "A", count: 43), CallbackSamples.success(checkout: checkout, amount: "1535"))
            #expect(forged.status == 200)
            let forgedFailure = await callback(shop, token: "x", CallbackSamples.failure(checkout: checkout, code: 1032))
            #expect(forgedFailure.status == 200)
            // An amount that is not what was pushed.
            let mismatch = await callback(shop, token: token, CallbackSamples.success(checkout: checkout, amount: "1.00"))
            #expect(mismatch.status == 200)
            // JSON that is not a callback is acknowledged; malformed JSON is 400.
            #expect(await callback(shop, token: token, #"{"hello":"world"}"#).status == 200)
            #expect(await callback(shop, token: token, #"{"Body": "#).status == 400)

            let stored = try await shop.payment(payment.id)
            #expect(stored.status == .pending)
            #expect(stored.receipt == nil)
            #expect(stored.callbackAt == nil)
            #expect(try await shop.events().filter { $0 != "payment.started" }.isEmpty)
            // Only the callback that carried the payment's token is kept.
            let outcomes = try await shop.payments.query("SELECT outcome, raw FROM mpesa_callbacks", []).map {
                try $0.string("outcome") ?? ""
            }
            #expect(outcomes == ["amount-mismatch"])
        }
    }

    @Test func aCallbackBeforePayOrderStoredTheIdsIsFoundByItsToken() async throws {
        try await PaymentsShop.with { shop in
            let (_, payment, token) = try await started(shop)
            // As if payOrder had not written the ids yet.
            try await shop.payments.execute(
                "UPDATE payments SET checkout_request_id = NULL, merchant_request_id = NULL WHERE id = $1", [.text(payment.id)])
            let answer = await callback(shop, token: token, CallbackSamples.failure(checkout: "ws_CO_early", code: 1037))
            #expect(answer.status == 200)
            let stored = try await shop.payment(payment.id)
            #expect(stored.status == .failed)
            #expect(stored.checkoutRequestID == "ws_CO_early")
        }
    }

    @Test func reconciliationSettlesPaymentsWithoutACallback() async throws {
        try await PaymentsShop.with { shop in
            let (paidOrder, paid, _) = try await started(shop)
            let (_, cancelled, _) = try await started(shop)
            let (_, processing, _) = try await started(shop)
            let later = Int(Date().timeIntervalSince1970) + 200
            let daraja = FakeGateway.daraja()
            shop.fake.answer { request in
                guard request.url.contains("/stkpushquery/") else { return try daraja(request) }
                let checkout = request.jsonObject["CheckoutRequestID"] as? String
                if checkout == processing.checkoutRequestID { return try FakeGateway.daraja(queryResult: "processing")(request) }
                return try FakeGateway.daraja(queryResult: checkout == paid.checkoutRequestID ? "0" : "1032")(request)
            }
            // Too early: nothing is asked.
            let reconcile = ReconcileMpesa(gateways: shop.gateways)
            let early = try await reconcile.reconcile(context: shop.context("reconcileMpesa"))
            #expect(early == ReconcileMpesa.Report())
            let report = try await reconcile.reconcile(
                context: shop.context("reconcileMpesa", clock: .fixed(WallTime(unixSeconds: later))))
            #expect(report.succeeded == [paid.id])
            #expect(report.failed == [cancelled.id])
            #expect(report.stillPending == [processing.id])
            #expect(try await shop.payment(paid.id).status == .succeeded)
            #expect(try await shop.payment(cancelled.id).status == .failed)
            #expect(try await shop.payment(processing.id).status == .pending)
            // Both decisions are dated by the reconciling run's clock.
            let decided = WallTime(unixSeconds: later).timestamp
            #expect(try await shop.payment(paid.id).updatedAt == decided)
            #expect(try await shop.payment(cancelled.id).updatedAt == decided)
            #expect(try await shop.waitForOrder(paidOrder, status: "paid"))
        }
    }

    @Test func getPaymentIsForItsCustomerAndAdmins() async throws {
        try await PaymentsShop.with { shop in
            let (_, payment, _) = try await started(shop)
            let own = await shop.shop.request("GET", "/payments/\(payment.id)", token: shop.customer)
            #expect(own.status == 200)
            #expect(own.text.contains(#""status":"pending""#))
            #expect(!own.text.contains("callback_token"))
            #expect(await shop.shop.request("GET", "/payments/\(payment.id)", token: shop.admin).status == 200)
            let bob = try await shop.shop.customer("bob@example.com")
            #expect(await shop.shop.request("GET", "/payments/\(payment.id)", token: bob).status == 404)
            #expect(await shop.shop.request("GET", "/payments/nope", token: shop.customer).status == 404)
            #expect(await shop.shop.request("GET", "/payments/\(payment.id)").status == 401)
        }
    }
}
