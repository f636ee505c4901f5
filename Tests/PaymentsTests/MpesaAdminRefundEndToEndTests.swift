import Foundation
import SokoTesting
import Testing

/// The admin's M-Pesa refund on the real `soko serve` with the built-in sandbox: the Reversal
/// request goes out through the host's libcurl client and the sandbox posts the result back.
@Suite("M-Pesa admin refund end to end (soko serve + sandbox)", .timeLimit(.minutes(2)))
struct MpesaAdminRefundEndToEndTests {
    let served = PaymentsEndToEndTests()

    @Test func anAdminRefundsAnMpesaPaymentThroughTheSandbox() async throws {
        let (running, admin, customer, order, _) = try await served.serve()
        defer { served.stop(running) }
        let paid = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0708374149"}"#)
        let paymentID = try #require(paid.object["payment_id"] as? String)
        #expect(try await running.waitForOrder(order, "paid", token: customer))

        let partial = try await running.request(
            "POST", "/admin/payments/\(paymentID)/refund", token: admin, json: #"{"amount":100}"#)
        #expect(partial.status == 422, "\(partial.object)")
        #expect((partial.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "amount")
        #expect(
            try await running.request("POST", "/admin/payments/\(paymentID)/refund", token: customer, json: "{}").status == 403)

        let refund = try await running.request("POST", "/admin/payments/\(paymentID)/refund", token: admin, json: "{}")
        #expect(refund.status == 202, "\(refund.object)")
        let summary = try #require(refund.object["refund"] as? [String: Any])
        #expect(summary["status"] as? String == "pending" && summary["amount"] as? Int == 153_500)
        #expect((summary["id"] as? String)?.hasPrefix("rev_") == true)
        // The sandbox's result settles it: payment and order refunded.
        #expect(try await running.waitForOrder(order, "refunded", token: customer))
        let settled = try #require(try await served.refund(running, admin: admin, status: "succeeded"))
        #expect(settled["id"] as? String == summary["id"] as? String)
        let again = try await running.request("POST", "/admin/payments/\(paymentID)/refund", token: admin, json: "{}")
        #expect(again.status == 409, "\(again.object)")
    }
}
