import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoHost
import SokoTesting
import Synchronization
import Testing

@testable import Notifications

/// Africa's Talking as a closure (the wire format of its messaging API), recording each request.
final class FakeAfricasTalking: OutgoingHTTP {
    let recorded = Mutex<[OutgoingRequest]>([])
    let statusCode = Mutex(101)
    let httpStatus = Mutex(201)

    func send(_ request: OutgoingRequest, deadline: ContinuousClock.Instant) async throws -> OutgoingResponse {
        recorded.withLock { $0.append(request) }
        let (code, http) = (statusCode.withLock { $0 }, httpStatus.withLock { $0 })
        let status = [101: "Success", 403: "InvalidPhoneNumber", 405: "InsufficientBalance"][code] ?? "Failed"
        let body =
            #"{"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: KES 0.8000","Recipients":[{"statusCode":\#(code),"#
            + #""number":"+254708374149","status":"\#(status)","cost":"KES 0.8000","messageId":"ATXid_test"}]}}"#
        return OutgoingResponse(status: http, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
    }

    var requests: [OutgoingRequest] { recorded.withLock { $0 } }

    /// The form fields of the last request.
    var lastForm: [String: String] {
        guard let body = requests.last?.body else { return [:] }
        var fields: [String: String] = [:]
        for pair in QueryParameters(parsing: Substring(decoding: body, as: UTF8.self)).pairs { fields[pair.name] = pair.value }
        return fields
    }
}

/// The SMS consumers in the whole shop (real `users.smsContact`, real store) against a fake
/// Africa's Talking: what is sent, logged, skipped, failed and retried — on SQLite and PostgreSQL.
@Suite("SMS delivery")
struct SmsDeliveryTests {
    static let settings = try! NotificationSettings(environment: [:])
    static let sms = try! SmsSettings(environment: ["SOKO_SMS_SENDER_ID": "DUKA"])

    static func context(_ shop: ShopHost, _ function: String, fake: FakeAfricasTalking) throws -> FunctionContext {
        let base = try shop.context("notifications", function)
        return FunctionContext(
            requestID: base.requestID, deadline: .now + .seconds(10), service: base.service, function: base.function,
            request: base.request, store: base.store, invoker: base.invoker, outgoing: fake, mailer: base.mailer,
            clock: .system, logger: base.logger)
    }

    static func paid(_ customer: String, id: String, attempt: Int = 1, final: Bool = false) -> Event<OrderEvent> {
        Event(
            id: id, name: "order.paid", source: "orders", occurredAt: "2026-12-05T00:00:00.000Z",
            payload: OrderEvent(
                orderID: "ord12345-aaaa", customerID: customer, currency: "KES", subtotal: 153_500, total: 153_500, lines: [],
                payment: .init(method: "mpesa", receipt: "QKH94M1Z11")), attempt: attempt, isFinalAttempt: final)
    }

    static func row(_ shop: ShopHost, _ event: String) async throws -> (status: String, attempts: Int, error: String?)? {
        try await shop.store("notifications").query(
            "SELECT status, attempts, last_error FROM sms_messages WHERE event_id = $1", [.text(event)]
        ).first.map { (try $0.string("status") ?? "", try $0.int("attempts") ?? 0, try $0.string("last_error")) }
    }

    @Test func textsAreSentLoggedSkippedAndRetried() async throws {
        try await journey(NotifyShop.start())
    }

    @Test func theSmsLogWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await journey(NotifyShop.start(configuration: configuration))
    }

    func journey(_ shop: ShopHost) async throws {
        let fake = FakeAfricasTalking()
        let consumer = TextOrderPaid(settings: Self.settings, client: AfricasTalkingClient(settings: Self.sms))
        let context = try Self.context(shop, "textOrderPaid", fake: fake)
        let token = try await shop.customer("wambui@example.com", name: "Wambui Njeri")
        let customer = try await shop.request("GET", "/users/me", token: token).json(Identified.self).id

        // No phone on file: skipped for good, nothing sent.
        #expect(try await consumer.run(Self.paid(customer, id: "sms-1"), context: context) == .skipped)
        #expect(fake.requests.isEmpty)
        #expect(try await Self.row(shop, "sms-1")?.error == "no phone number on file")

        _ = try await shop.request("PATCH", "/users/me", token: token, json: ["phone": "+254708374149"])
        #expect(try await consumer.run(Self.paid(customer, id: "sms-2"), context: context) == .sent)
        let request = try #require(fake.requests.last)
        #expect(request.url == "http://127.0.0.1:8080/_sandbox/africastalking/version1/messaging")
        #expect(request.headers["apiKey"] == "sandbox-api-key")
        #expect(request.headers["Accept"] == "application/json")
        let form = fake.lastForm
        #expect(form["username"] == "sandbox" && form["to"] == "+254708374149" && form["from"] == "DUKA")
        #expect(form["message"]?.contains("Wambui, payment of KES 1,535.00 for order #ORD12345 received") == true)
        #expect(form["message"]?.contains("M-Pesa ref QKH94M1Z11") == true)
        // A redelivery sends nothing more.
        #expect(try await consumer.run(Self.paid(customer, id: "sms-2"), context: context) == .sent)
        #expect(fake.requests.count == 1)
        let logged = try await shop.store("notifications").query(
            "SELECT message_id, cost, provider_status FROM sms_messages WHERE event_id = 'sms-2'", [])
        #expect(try logged.first?.string("message_id") == "ATXid_test" && logged.first?.string("cost") == "KES 0.8000")

        // A refusal for now is retried by the relay; the last attempt gives up.
        fake.statusCode.withLock { $0 = 405 }
        await #expect(throws: SmsNotSent.self) { try await consumer.run(Self.paid(customer, id: "sms-3"), context: context) }
        #expect(try await Self.row(shop, "sms-3")?.status == "retrying")
        fake.httpStatus.withLock { $0 = 500 }
        await #expect(throws: SmsNotSent.self) {
            try await consumer.run(Self.paid(customer, id: "sms-3", attempt: 8, final: true), context: context)
        }
        let given = try #require(try await Self.row(shop, "sms-3"))
        #expect(given.status == "failed" && given.attempts == 2)
        // A number refused for good fails at once, without a retry.
        fake.httpStatus.withLock { $0 = 201 }
        fake.statusCode.withLock { $0 = 403 }
        #expect(try await consumer.run(Self.paid(customer, id: "sms-4"), context: context) == .failed)
        #expect(try await Self.row(shop, "sms-4")?.error == "403 InvalidPhoneNumber")

        // Opted out: skipped.
        fake.statusCode.withLock { $0 = 101 }
        _ = try await shop.request("PATCH", "/users/me", token: token, json: ["sms_notifications": false])
        #expect(try await consumer.run(Self.paid(customer, id: "sms-5"), context: context) == .skipped)
        #expect(try await Self.row(shop, "sms-5")?.error == "the customer opted out of SMS")
        #expect(fake.requests.count == 4)
        #expect(await shop.shutdown())
    }

    @Test(
        arguments: [
            (["SOKO_AT_API_KEY": nil], "SOKO_AT_API_KEY: is required in production"),
            (["SOKO_AT_USERNAME": "sandbox"], "SOKO_AT_USERNAME: is required in production"),
            (
                ["SOKO_AT_BASE_URL": "https://api.sandbox.africastalking.com"],
                "SOKO_AT_BASE_URL: \"https://api.sandbox.africastalking.com\" is a sandbox"
            ),
            (["SOKO_AT_BASE_URL": "http://api.africastalking.com"], "SOKO_AT_BASE_URL: must be https"),
            (["SOKO_SMS_SENDER_ID": nil], "SOKO_SMS_SENDER_ID: is required in production"),
        ] as [([String: String?], String)])
    func productionRefusesMissingOrSandboxSmsSettings(_ change: [String: String?], _ refusal: String) throws {
        var environment = [
            "SOKO_AT_BASE_URL": "https://api.africastalking.com", "SOKO_AT_USERNAME": "duka", "SOKO_AT_API_KEY": "atsk_live0123",
            "SOKO_SMS_SENDER_ID": "DUKA",
        ]
        #expect(throws: Never.self) { try SmsSettings(environment: environment, mode: .production) }
        for (name, value) in change { environment[name] = value }
        #expect(throws: (any Error).self) { try SmsSettings(environment: environment, mode: .production) }
        do {
            _ = try SmsSettings(environment: environment, mode: .production)
        } catch {
            #expect("\(error)".hasPrefix(refusal), "\(error)")
        }
        // SMS off needs none of them.
        #expect(throws: Never.self) { try SmsSettings(environment: ["SOKO_SMS": "off"], mode: .production) }
    }
}
