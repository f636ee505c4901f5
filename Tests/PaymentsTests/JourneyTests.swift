import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoOutbound
import SokoTesting
import Testing

/// The whole platform as a shopper meets it: a real `soko serve` (every bundle, the built-in
/// payment sandbox) on SQLite and on PostgreSQL, mail delivered over SMTP with STARTTLS to a real
/// server (aiosmtpd). Register → cart → order → M-Pesa → paid → confirmation and receipt emails;
/// a declined card then a good one; ship → shipping email; cancel a paid order → refund → refunded.
@Suite("The purchase journey over the real host", .timeLimit(.minutes(3)))
struct JourneyTests {
    /// A real SMTP server with STARTTLS required; messages land in `folder` as `<n>.eml`.
    final class MailSink: @unchecked Sendable {
        let folder: String
        let port: Int
        private let process: Process
        private let input: Pipe

        init() async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-journey-mail-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            _ = try await ChildProcess.run(command: [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out",
                folder + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", ShopHost.repository + "/Tests/SokoHostTests/Oracle/smtp_sink.py", folder + "/cert.pem",
                folder + "/key.pem", folder,
            ]
            let output = Pipe()
            input = Pipe()
            process.standardOutput = output
            process.standardInput = input
            try process.run()
            let reader = output.fileHandleForReading
            let line = await Task.detached { () -> String in
                var bytes = Data()
                while let byte = try? reader.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { bytes.append(byte) }
                return String(decoding: bytes, as: UTF8.self)
            }.value
            guard let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
                throw ShopTestError("the SMTP sink did not start: \(line)")
            }
            self.port = port
        }

        /// Subjects of the messages received so far, with their recipients.
        func received() -> [(to: String, subject: String, text: String)] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".eml") }
            return names.sorted().compactMap { name in
                guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else { return nil }
                let envelope = (try? String(contentsOfFile: folder + "/" + name.dropLast(4) + ".env", encoding: .utf8)) ?? ""
                let to = envelope.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
                return (to, Self.subject(text), text)
            }
        }

        /// The decoded Subject header (RFC 2047 B-encoded UTF-8 or plain).
        static func subject(_ message: String) -> String {
            var lines = message.components(separatedBy: "\r\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix("Subject:") }) else { return "" }
            var value = String(lines[start].dropFirst("Subject:".count))
            lines = Array(lines[(start + 1)...])
            for line in lines {
                guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
                value += line
            }
            var decoded = ""
            for word in value.split(separator: " ") {
                if word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                    let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
                {
                    decoded += String(decoding: data, as: UTF8.self)
                } else {
                    decoded += (decoded.isEmpty ? "" : " ") + word
                }
            }
            return decoded
        }

        func waitFor(_ count: Int, to recipient: String) async throws -> [(to: String, subject: String, text: String)] {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let mine = received().filter { $0.to == recipient }
                if mine.count >= count { return mine }
                try await Task.sleep(for: .milliseconds(50))
            }
            return received().filter { $0.to == recipient }
        }

        func stop() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    @Test(arguments: Backend.allCases)
    func registerOrderPayShipCancelRefund(_ backend: Backend) async throws {
        var storeEnvironment: [String: String] = [:]
        var configuration: HostConfiguration
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("soko-journey-\(UUID().uuidString)").path
        switch backend {
        case .sqlite:
            configuration = HostConfiguration(
                accessLog: .discard, store: StoreConfiguration(backend: .sqlite(directory: folder)))
            storeEnvironment["SOKO_DATA"] = folder
        case .postgres:
            guard let url = ShopHost.postgresURL else {
                #expect(!ShopHost.inCI, "SOKO_TEST_POSTGRES_URL is not set under CI")
                return
            }
            let prefix = "j" + UUID().uuidString.lowercased().prefix(8) + "_"
            configuration = TestHost.defaultConfiguration()
            configuration.store = StoreConfiguration(backend: .postgres(url: url, schemaPrefix: prefix))
            storeEnvironment = ["SOKO_DATABASE_URL": url, "SOKO_DATABASE_SCHEMA_PREFIX": prefix, "SOKO_DATA": folder]
        }
        let mail = try await MailSink()
        defer { mail.stop() }
        let port = try LoopbackPort.free()
        let environment = PaymentsEndToEndTests.environment.merging([
            "SOKO_PUBLIC_URL": "http://127.0.0.1:\(port)", "SOKO_SMTP_URL": "smtp://127.0.0.1:\(mail.port)",
            "SOKO_SMTP_CA_FILE": mail.folder + "/cert.pem", "SOKO_EVENT_POLL_MS": "100",
        ]) { _, new in new }

        // The shop's catalog and its admin, written through the in-process host, then served for real.
        configuration.environment = environment
        let seeding = try await ShopHost.start(environment: environment, configuration: configuration)
        let admin = try await seeding.admin()
        let category = try await seeding.request("POST", "/categories", token: admin, json: ["name": "Cloth"])
        let categoryID = try category.json(Identified.self).id
        let product = try await seeding.request(
            "POST", "/products", token: admin,
            json: NewProduct(
                sku: "KIKOI-1", name: "Kikoi", description: "Striped cotton", price: 150_000, currency: "KES",
                categoryID: categoryID, onHand: 10))
        let productID = try product.json(Identified.self).id
        #expect(await seeding.shutdown())

        let process = Process()
        process.executableURL = URL(fileURLWithPath: PaymentsEndToEndTests.binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--loops", "2"]
        process.environment = environment.merging(storeEnvironment) { _, new in new }.merging([
            "SOKO_MANIFESTS": ShopHost.repository + "/manifests/functions", "SOKO_ACCESS_LOG": "off",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let shop = PaymentsEndToEndTests.Running(
            process: process, base: "http://127.0.0.1:\(port)", client: await StandaloneClient.start())
        var ready = false
        for _ in 0..<400 where !ready {
            ready = (try? await shop.client.get(shop.base + "/readyz", timeout: .seconds(1)))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        try #require(ready, "soko serve did not become ready")

        // Register and sign in: a welcome email.
        let email = "wanjiru-\(backend.rawValue)@example.com"
        let registered = try await shop.request(
            "POST", "/users/register", json: #"{"email":"\#(email)","password":"long enough pw","name":"Wanjiru"}"#)
        #expect(registered.status == 201)
        let login = try await shop.request("POST", "/auth/login", json: #"{"email":"\#(email)","password":"long enough pw"}"#)
        let token = try #require(login.object["access_token"] as? String)

        // Cart → order → M-Pesa → paid: confirmation and receipt emails.
        let added = try await shop.request(
            "POST", "/cart/items", token: token, json: #"{"product_id":"\#(productID)","quantity":2}"#)
        #expect(added.status == 200)
        let first = try await Self.placeOrder(shop, token)
        let pushed = try await shop.request(
            "POST", "/orders/\(first)/pay", token: token, json: #"{"method":"mpesa","phone":"0708374149"}"#)
        #expect(pushed.status == 202, "\(pushed.object)")
        #expect(try await shop.waitForOrder(first, "paid", token: token))
        // Welcome, address verification, confirmation, receipt.
        let afterPaying = try await mail.waitFor(4, to: email)
        #expect(afterPaying.count == 4)
        let subjects = afterPaying.map(\.subject).joined(separator: " | ")
        #expect(afterPaying.contains { $0.text.contains("multipart/alternative") })
        #expect(afterPaying.map(\.subject).filter { !$0.isEmpty }.count == 4, "\(subjects)")

        // A second order: a declined card, then a good one, through Stripe.
        _ = try await shop.request("POST", "/cart/items", token: token, json: #"{"product_id":"\#(productID)","quantity":1}"#)
        let second = try await Self.placeOrder(shop, token)
        let intent = try await shop.request("POST", "/orders/\(second)/pay", token: token, json: #"{"method":"stripe"}"#)
        let intentID = try #require(intent.object["payment_intent_id"] as? String, "\(intent.object)")
        let declined = try await Self.confirm(shop, intentID, "pm_card_chargeDeclined")
        #expect(declined == 402)
        #expect(try await shop.request("GET", "/orders/\(second)", token: token).object["status"] as? String == "pending_payment")
        #expect(try await Self.confirm(shop, intentID, "pm_card_visa") == 200)
        #expect(try await shop.waitForOrder(second, "paid", token: token))

        // Ship the first: a shipping email. Cancel the second (paid): refunded, and a cancellation email.
        let adminLogin = try await shop.request(
            "POST", "/auth/login", json: #"{"email":"admin@example.com","password":"\#(ShopHost.password)"}"#)
        let adminToken = try #require(adminLogin.object["access_token"] as? String)
        let shipped = try await shop.request(
            "POST", "/orders/\(first)/ship", token: adminToken, json: #"{"carrier":"G4S","tracking_number":"G4S-123"}"#)
        #expect(shipped.status == 200, "\(shipped.object)")
        let cancelled = try await shop.request("POST", "/orders/\(second)/cancel", token: token)
        #expect(cancelled.status == 200, "\(cancelled.object)")
        #expect(try await shop.waitForOrder(second, "refunded", token: token))
        let all = try await mail.waitFor(9, to: email)
        let kinds = all.map(\.subject).map { subject -> String in
            for (kind, phrase) in [
                ("welcome", "Welcome"), ("confirmation", "We received your order"), ("receipt", "Receipt for your order"),
                ("shipping", "is on its way"), ("cancellation", "was cancelled"), ("refund", "Refund of"),
                ("verification", "Confirm your email address"),
            ] where subject.contains(phrase) {
                return kind
            }
            return subject
        }
        #expect(
            kinds.sorted() == [
                "cancellation", "confirmation", "confirmation", "receipt", "receipt", "refund", "shipping", "verification",
                "welcome",
            ],
            "\(all.map(\.subject))")
        #expect(all.contains { $0.text.contains("G4S-123") })
        #expect(all.contains { $0.text.contains("4242") })
    }

    static func placeOrder(_ shop: PaymentsEndToEndTests.Running, _ token: String) async throws -> String {
        var headers = [("Idempotency-Key", UUID().uuidString), ("Authorization", "Bearer \(token)")]
        headers.append(("Content-Type", "application/json"))
        let response = try await shop.client.send(
            "POST", shop.base + "/orders", headers: headers,
            body: Array(#"{"shipping_address":{"name":"Wanjiru","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}}"#.utf8),
            timeout: .seconds(20))
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        guard response.status == 201, let id = object["id"] as? String else {
            throw ShopTestError("place order: \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return id
    }

    /// What Stripe.js does in the browser, against the sandbox.
    static func confirm(_ shop: PaymentsEndToEndTests.Running, _ intent: String, _ method: String) async throws -> Int {
        try await shop.client.send(
            "POST", shop.base + "/_sandbox/stripe/v1/payment_intents/\(intent)/confirm",
            headers: [("Authorization", "Bearer sk_test_sandbox"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("payment_method=\(method)".utf8), timeout: .seconds(10)
        ).status
    }
}
