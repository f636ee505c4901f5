import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoOutbound
import SokoTesting
import Testing

@testable import Payments

/// A reversal whose result the sandbox loses (254700000007), on the real `soko serve`: the admin's
/// refund stays `requested` until ``ReconcileReversals`` — run here, ten minutes "later", on the
/// served shop's own payments database and through a libcurl client — asks the sandbox's
/// Transaction Status API, whose answer the served host receives at the status URL and settles.
@Suite("M-Pesa reversal reconciliation end to end (soko serve + sandbox)", .timeLimit(.minutes(2)))
struct ReversalReconciliationEndToEndTests {
    let served = PaymentsEndToEndTests()

    @Test func aLostReversalResultIsSettledThroughTransactionStatus() async throws {
        let (running, admin, customer, order, client) = try await served.serve()
        defer { served.stop(running) }
        let folder = try #require(running.process.environment?["SOKO_DATA"])
        // 254700000007: paid; the sandbox withholds its reversal's result.
        let paid = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0700000007"}"#)
        let paymentID = try #require(paid.object["payment_id"] as? String)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        let refund = try await running.request("POST", "/admin/payments/\(paymentID)/refund", token: admin, json: "{}")
        #expect(refund.status == 202, "\(refund.object)")
        let requested = try #require(try await served.refund(running, admin: admin, status: "requested"))
        let id = try #require(requested["id"] as? String)

        // The served shop's payments database, opened beside it (SQLite in WAL mode).
        let shop = try await ShopHost.start(
            environment: PaymentsEndToEndTests.environment,
            configuration: HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder))))
        // The sandbox reversed it and posts nothing: without reconciliation it would stay requested.
        let kept = try await shop.store("sandbox").query("SELECT result_code, result_state FROM reversal_requests", [])
        #expect(kept.count == 1)
        #expect(try kept.first?.string("result_code") == "0" && kept.first?.string("result_state") == "withheld")
        let settings = try PaymentsSettings(environment: ["SOKO_PUBLIC_URL": running.base])
        let later = WallClock.system.now().unixSeconds + ReconcileReversals.wait + 1
        let context = FunctionContext(
            requestID: "reconcile-e2e", deadline: .now + .seconds(20), service: "payments", function: "reconcileReversals",
            request: FunctionRequest(method: "POST", path: "/"), store: shop.store("payments"), outgoing: client.client,
            clock: .fixed(WallTime(unixSeconds: later)), logger: Logger(label: "reconcile-e2e"))
        let report = try await ReconcileReversals(gateways: Gateways(settings: settings)).reconcile(context: context)
        #expect(report.queried == [id])

        // The sandbox posts "Reversed" to the served host's status URL: refunded, as the result would have.
        #expect(try await running.waitForOrder(order, "refunded", token: customer))
        let settled = try #require(try await served.refund(running, admin: admin, status: "succeeded"))
        #expect(settled["id"] as? String == id)
        let payment = try await running.request("GET", "/payments/\(paymentID)", token: customer)
        #expect(payment.object["status"] as? String == "refunded")
        #expect(await shop.shutdown())
    }
}
