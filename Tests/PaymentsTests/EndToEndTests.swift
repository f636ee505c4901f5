import Foundation
import Glibc
import ShopTesting
import SokoFunctions
import SokoHost
import SokoOutbound
import SokoTesting
import Testing

/// The real `soko serve` process with the built-in sandbox: the gateway calls go out through the
/// host's libcurl client to the sandbox's routes, which post the callback and the webhook back.
@Suite("Payments end to end (soko serve + sandbox)", .timeLimit(.minutes(2)))
struct PaymentsEndToEndTests {
    static let environment = [
        "SOKO_ARGON2_MEMORY_KIB": "1024", "SOKO_TOKEN_ISSUER": "https://soko.test",
        "SOKO_SANDBOX_CALLBACK_DELAY_MS": "50", "SOKO_SANDBOX_WEBHOOK_DELAY_MS": "0",
    ]

    /// The `soko` built beside this test bundle (any scratch path), else the default build's.
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("soko")
            .path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : ShopHost.repository + "/.build/debug/soko"
    }

    struct Running {
        let process: Process
        let base: String
        let client: StandaloneClient

        func request(_ method: String, _ path: String, token: String? = nil, json: String? = nil) async throws -> (
            status: Int, object: [String: Any]
        ) {
            var headers: [(String, String)] = []
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            if json != nil { headers.append(("Content-Type", "application/json")) }
            let response = try await client.send(
                method, base + path, headers: headers, body: Array((json ?? "").utf8), timeout: .seconds(20))
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            return (response.status, object)
        }

        func waitForOrder(_ id: String, _ status: String, token: String) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try await request("GET", "/orders/\(id)", token: token).object["status"] as? String == status { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
    }

    /// Seeds a shop (admin, product, customer, one order) in-process, then serves it with `soko serve`.
    func serve() async throws -> (running: Running, admin: String, customer: String, order: String, client: StandaloneClient) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the soko executable first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-pay-\(UUID().uuidString)").path
        let configuration = HostConfiguration(accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
        let shop = try await ShopHost.start(environment: Self.environment, configuration: configuration)
        let admin = try await shop.admin()
        let customer = try await shop.customer("e2e@example.com")
        let category = try await shop.request("POST", "/categories", token: admin, json: ["name": "Cloth"])
        let categoryID = try category.json(Identified.self).id
        let product = try await shop.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: "KANGA-1", name: "Kanga", description: "", price: 123_450, currency: "KES", categoryID: categoryID,
                onHand: 10))
        let productID = try product.json(Identified.self).id
        let placed = try await shop.request(
            "POST", "/orders", token: customer, headers: [("Idempotency-Key", UUID().uuidString)],
            json: PlaceOrderBody(items: [.init(productID: productID, quantity: 1)]))
        let order = try placed.json(Identified.self).id
        #expect(await shop.shutdown())

        let port = try LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--loops", "2"]
        process.environment = Self.environment.merging([
            "SOKO_DATA": folder, "SOKO_MANIFESTS": ShopHost.repository + "/manifests/functions", "SOKO_ACCESS_LOG": "off",
            "SOKO_PUBLIC_URL": "http://127.0.0.1:\(port)", "SOKO_MAIL_DIR": folder + "/mail",
        ]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = await StandaloneClient.start()
        let running = Running(process: process, base: "http://127.0.0.1:\(port)", client: client)
        var ready = false
        for _ in 0..<400 where !ready {
            ready = (try? await running.client.get(running.base + "/readyz", timeout: .seconds(1)))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        if !ready { process.terminate() }
        try #require(ready, "soko serve did not become ready")
        return (running, admin, customer, order, client)
    }

    func stop(_ running: Running) {
        running.process.terminate()
        running.process.waitUntilExit()
    }

    @Test func mpesaThroughTheSandboxPaysTheOrder() async throws {
        let (running, _, customer, order, _) = try await serve()
        defer { stop(running) }
        // 254708374149 is Daraja's test MSISDN: the sandbox pays it.
        let paid = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0708374149"}"#)
        #expect(paid.status == 202, "\(paid.object)")
        let paymentID = try #require(paid.object["payment_id"] as? String)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        let payment = try await running.request("GET", "/payments/\(paymentID)", token: customer)
        #expect(payment.object["status"] as? String == "succeeded")
        #expect((payment.object["receipt"] as? String)?.isEmpty == false)
        #expect(payment.object["amount"] as? Int == 153_500)
    }

    @Test func stripeThroughTheSandboxPaysAndRefundsTheOrder() async throws {
        let (running, admin, customer, order, _) = try await serve()
        defer { stop(running) }
        let created = try await running.request("POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"stripe"}"#)
        #expect(created.status == 201, "\(created.object)")
        let intent = try #require(created.object["payment_intent_id"] as? String)
        let paymentID = try #require(created.object["payment_id"] as? String)
        #expect((created.object["client_secret"] as? String)?.hasPrefix(intent) == true)
        // What Stripe.js does in the browser, against the sandbox.
        let confirm = try await running.client.send(
            "POST", running.base + "/_sandbox/stripe/v1/payment_intents/\(intent)/confirm",
            headers: [
                ("Authorization", "Bearer sk_test_sandbox"), ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: Array("payment_method=pm_card_visa".utf8), timeout: .seconds(10))
        #expect(confirm.status == 200)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        let payment = try await running.request("GET", "/payments/\(paymentID)", token: customer)
        #expect(payment.object["status"] as? String == "succeeded")
        #expect(payment.object["card_last4"] as? String == "4242")

        let refund = try await running.request("POST", "/admin/payments/\(paymentID)/refund", token: admin, json: "{}")
        #expect(refund.status == 200, "\(refund.object)")
        #expect(try await running.waitForOrder(order, "refunded", token: customer))
    }

    /// Waits for the admin refunds list to show one refund in `status`; returns it.
    func refund(_ running: Running, admin: String, status: String) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let list = try await running.request("GET", "/admin/refunds?status=\(status)", token: admin)
            if let first = (list.object["items"] as? [[String: Any]])?.first { return first }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func aCancelledMpesaOrderIsReversedThroughTheSandboxAndTheCustomerIsTold() async throws {
        let (running, admin, customer, order, _) = try await serve()
        defer { stop(running) }
        let paid = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0708374149"}"#)
        let paymentID = try #require(paid.object["payment_id"] as? String)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        let receipt = try await running.request("GET", "/payments/\(paymentID)", token: customer).object["receipt"] as? String

        let cancelled = try await running.request("POST", "/orders/\(order)/cancel", token: customer, json: "{}")
        #expect(cancelled.status == 200, "\(cancelled.object)")
        // Reversal request → the sandbox's result at the ResultURL → payment refunded → order refunded.
        #expect(try await running.waitForOrder(order, "refunded", token: customer))
        let payment = try await running.request("GET", "/payments/\(paymentID)", token: customer)
        #expect(payment.object["status"] as? String == "refunded")
        #expect(payment.object["refunded_amount"] as? Int == 153_500)
        let settled = try #require(try await refund(running, admin: admin, status: "succeeded"))
        #expect(settled["receipt"] as? String == receipt)
        #expect(settled["amount"] as? Int == 153_500)
        #expect((settled["reversal_transaction_id"] as? String)?.count == 10)
        #expect((settled["conversation_id"] as? String)?.hasPrefix("AG_") == true)

        // The refund email, through the notifications log.
        let deadline = ContinuousClock.now + .seconds(20)
        var sent = false
        while !sent, ContinuousClock.now < deadline {
            let log = try await running.request("GET", "/admin/notifications?status=sent", token: admin)
            sent = (log.object["items"] as? [[String: Any]] ?? []).contains {
                $0["kind"] as? String == "refund" && ($0["subject"] as? String)?.contains("Refund of KES 1,535.00") == true
            }
            if !sent { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(sent)
    }

    @Test func aReversalThatTimesOutInTheQueueIsListedAndRetried() async throws {
        let (running, admin, customer, order, _) = try await serve()
        defer { stop(running) }
        // 254700000006: the sandbox lets its reversals time out in the queue.
        _ = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0700000006"}"#)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        _ = try await running.request("POST", "/orders/\(order)/cancel", token: customer, json: "{}")
        let failed = try #require(try await refund(running, admin: admin, status: "failed"))
        #expect(failed["result_code"] as? String == "queue-timeout")
        #expect(failed["attempts"] as? Int == 1)
        let id = try #require(failed["id"] as? String)

        let retried = try await running.request("POST", "/admin/refunds/\(id)/retry", token: admin)
        #expect(retried.status == 202, "\(retried.object)")
        let deadline = ContinuousClock.now + .seconds(20)
        var attempts = 0
        while attempts < 2, ContinuousClock.now < deadline {
            let again = try await refund(running, admin: admin, status: "failed")
            attempts = again?["attempts"] as? Int ?? 0
            if attempts < 2 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(attempts == 2)
        #expect(try await running.request("POST", "/admin/refunds/\(id)/retry", token: customer).status == 403)
        #expect(
            try await running.request("POST", "/admin/refunds/rev_000000000000000000000000/retry", token: admin).status == 404)
        #expect(try await running.waitForOrder(order, "cancelled", token: customer))
    }

    /// The SMS log's rows, newest first.
    func texts(_ running: Running, admin: String) async throws -> [[String: Any]] {
        try await running.request("GET", "/admin/notifications/sms", token: admin).object["items"] as? [[String: Any]] ?? []
    }

    /// Waits for the SMS log to have a row of `kind` in `status`; returns it.
    func text(_ running: Running, admin: String, kind: String, status: String) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let row = try await texts(running, admin: admin).first(where: {
                $0["kind"] as? String == kind && $0["status"] as? String == status
            }) {
                return row
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func orderTextsGoThroughAfricasTalkingsSandboxUnlessTheCustomerOptsOut() async throws {
        let (running, admin, customer, order, _) = try await serve()
        defer { stop(running) }
        // The order was placed before the customer gave a phone number: that text was skipped.
        let placed = try #require(try await text(running, admin: admin, kind: "order_confirmation", status: "skipped"))
        #expect(placed["last_error"] as? String == "no phone number on file")

        let phone = try await running.request("PATCH", "/users/me", token: customer, json: #"{"phone":"+254708374149"}"#)
        #expect(phone.object["sms_notifications"] as? Bool == true)
        _ = try await running.request(
            "POST", "/orders/\(order)/pay", token: customer, json: #"{"method":"mpesa","phone":"0708374149"}"#)
        #expect(try await running.waitForOrder(order, "paid", token: customer))
        let paid = try #require(try await text(running, admin: admin, kind: "payment_receipt", status: "sent"))
        #expect(paid["recipient"] as? String == "+254708374149")
        #expect((paid["message_id"] as? String)?.hasPrefix("ATXid_") == true)
        #expect(paid["provider_status"] as? String == "Success")
        #expect(paid["cost"] as? String == "KES 0.8000")
        let message = try #require(paid["message"] as? String)
        #expect(message.contains("KES 1,53") && message.contains("M-Pesa ref"), "\(message)")

        // Opting out stops the texts, not the emails.
        let off = try await running.request("PATCH", "/users/me", token: customer, json: #"{"sms_notifications":false}"#)
        #expect(off.object["sms_notifications"] as? Bool == false)
        let shipped = try await running.request(
            "POST", "/orders/\(order)/ship", token: admin, json: #"{"carrier":"G4S","tracking_number":"G4S-7781"}"#)
        #expect(shipped.status == 200, "\(shipped.object)")
        let skipped = try #require(try await text(running, admin: admin, kind: "order_shipped", status: "skipped"))
        #expect(skipped["last_error"] as? String == "the customer opted out of SMS")
        var emailed = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !emailed, ContinuousClock.now < deadline {
            let log = try await running.request("GET", "/admin/notifications?status=sent", token: admin)
            emailed = (log.object["items"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "order_shipped" }
            if !emailed { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(emailed)
        let contact = try await running.request("GET", "/admin/notifications/sms?status=nope", token: admin)
        #expect(contact.status == 400)
        #expect(try await running.request("GET", "/admin/notifications/sms", token: customer).status == 403)
    }
}
