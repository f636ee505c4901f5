import Contracts
import Foundation
import ShopTesting
import SokoFunctions
import SokoTesting
import Synchronization
import Testing

@testable import Notifications

/// A mail transport that keeps what it is given, or refuses while `failing`.
final class FakeMailer: MailTransport {
    let sent = Mutex<[OutgoingMail]>([])
    let failing = Mutex(false)

    func send(_ mail: OutgoingMail, deadline: ContinuousClock.Instant) async throws -> String {
        if failing.withLock({ $0 }) { throw OutgoingError(.transport, "550 mailbox unavailable") }
        let count = sent.withLock {
            $0.append(mail)
            return $0.count
        }
        return "/tmp/fake/\(count).eml"
    }

    var mails: [OutgoingMail] { sent.withLock { $0 } }
}

/// The consumers with a fake transport, in the whole shop (real store, real `users.contact`).
@Suite("Notification consumers")
struct ConsumerTests {
    static let settings = try! NotificationSettings(environment: [:])

    /// The host's context for `function`, with `mailer` as its transport and `clock` as its clock.
    static func context(_ shop: ShopHost, _ function: String, mailer: FakeMailer, clock: WallClock = .system) throws
        -> FunctionContext
    {
        let base = try shop.context("notifications", function)
        return FunctionContext(
            requestID: base.requestID, deadline: .now + .seconds(10), service: base.service, function: base.function,
            request: base.request, store: base.store, invoker: base.invoker, outgoing: base.outgoing, mailer: mailer,
            clock: clock, logger: base.logger)
    }

    static func row(_ shop: ShopHost, event: String) async throws -> (
        status: String, attempts: Int, error: String?, transport: String?
    )? {
        try await shop.store("notifications").query(
            "SELECT status, attempts, last_error, transport FROM notifications WHERE event_id = $1", [.text(event)]
        ).first.map {
            (try $0.string("status") ?? "", try $0.int("attempts") ?? 0, try $0.string("last_error"), try $0.string("transport"))
        }
    }

    static func welcome(_ id: String, attempt: Int = 1, final: Bool = false) -> Event<UserContact> {
        Event(
            id: id, name: "user.registered", source: "users", occurredAt: "2026-01-01T00:00:00.000Z",
            payload: UserContact(userID: "usr_x", email: "zawadi@example.com", name: "Zawadi Ñ"), attempt: attempt,
            isFinalAttempt: final)
    }

    @Test func theMailIsDatedByTheContextsClock() async throws {
        let shop = try await NotifyShop.start()
        let mailer = FakeMailer()
        let clock = WallClock.fixed(WallTime(unixSeconds: 1_700_000_000))
        let context = try Self.context(shop, "sendWelcome", mailer: mailer, clock: clock)

        _ = try await SendWelcome(settings: Self.settings).run(Self.welcome("evt-dated"), context: context)
        let mail = try #require(mailer.mails.first)
        #expect(String(decoding: mail.message, as: UTF8.self).contains("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"))
        // The delivery log is dated by the same clock.
        let logged = try await shop.store("notifications").query(
            "SELECT created_at, updated_at FROM notifications WHERE event_id = $1", [.text("evt-dated")])
        #expect(try logged.first?.string("created_at") == "2023-11-14T22:13:20.000Z")
        #expect(try logged.first?.string("updated_at") == "2023-11-14T22:13:20.000Z")
        #expect(await shop.shutdown())
    }

    @Test func theSameEventTwiceSendsOneMail() async throws {
        let shop = try await NotifyShop.start()
        let mailer = FakeMailer()
        let context = try Self.context(shop, "sendWelcome", mailer: mailer)
        let event = Self.welcome("evt-welcome-1")

        #expect(
            try await SendWelcome(settings: Self.settings).run(event, context: context) == .sent(transport: "/tmp/fake/1.eml"))
        #expect(try await SendWelcome(settings: Self.settings).run(event, context: context) == .alreadySent)
        #expect(mailer.mails.count == 1)
        let mail = try #require(mailer.mails.first)
        #expect(mail.from == "no-reply@soko.example")
        #expect(mail.recipients == ["zawadi@example.com"])
        let parsed = try await MailOracle.parse(mail.message)
        #expect(parsed.to == [["Zawadi Ñ", "zawadi@example.com"]])
        #expect(parsed.subject == "Welcome to Soko, Zawadi Ñ")
        #expect(parsed.messageID == "<welcome.evt-welcome-1@soko.example>")
        let row = try #require(try await Self.row(shop, event: "evt-welcome-1"))
        #expect(row.status == "sent" && row.attempts == 1 && row.error == nil && row.transport == "/tmp/fake/1.eml")
        // The processed-event record is written with the log row.
        let processed = try await shop.store("notifications").query(
            "SELECT consumer FROM soko_processed_events WHERE event_id = $1", [.text("evt-welcome-1")])
        #expect(try processed.map { try $0.string("consumer") } == ["notifications.sendWelcome"])
        #expect(await shop.shutdown())
    }

    @Test func aFailingTransportIsRetryingThenFailedOnTheLastAttemptAndNeverLooksSent() async throws {
        try await retryingThenFailedThenSent(NotifyShop.start())
    }

    /// The same on PostgreSQL (`SOKO_TEST_POSTGRES_URL`, set by scripts/test.sh): the log's upsert
    /// and the processed-event record in one transaction. Skipped without a server, except in CI.
    @Test func theDeliveryLogWorksOnPostgreSQL() async throws {
        guard let configuration = ShopHost.postgresConfiguration() else {
            if ShopHost.inCI { Issue.record("SOKO_TEST_POSTGRES_URL is not set") }
            return
        }
        try await retryingThenFailedThenSent(NotifyShop.start(configuration: configuration))
    }

    func retryingThenFailedThenSent(_ shop: ShopHost) async throws {
        let mailer = FakeMailer()
        mailer.failing.withLock { $0 = true }
        let context = try Self.context(shop, "sendWelcome", mailer: mailer)

        await #expect(throws: MailNotSent.self) {
            try await SendWelcome(settings: Self.settings).run(Self.welcome("evt-fail", attempt: 1), context: context)
        }
        var row = try #require(try await Self.row(shop, event: "evt-fail"))
        #expect(row.status == "retrying" && row.attempts == 1 && row.error?.contains("550") == true && row.transport == nil)

        await #expect(throws: MailNotSent.self) {
            try await SendWelcome(settings: Self.settings).run(
                Self.welcome("evt-fail", attempt: 9, final: true), context: context)
        }
        row = try #require(try await Self.row(shop, event: "evt-fail"))
        #expect(row.status == "failed" && row.attempts == 2)
        let processed = try await shop.store("notifications").query(
            "SELECT COUNT(*) AS n FROM soko_processed_events WHERE event_id = $1", [.text("evt-fail")])
        #expect(try processed.first?.int("n") == 0)

        // Revived (`soko events retry`) once the transport is back: sent, and it stays sent.
        mailer.failing.withLock { $0 = false }
        #expect(try await SendWelcome(settings: Self.settings).run(Self.welcome("evt-fail"), context: context) != .alreadySent)
        row = try #require(try await Self.row(shop, event: "evt-fail"))
        #expect(row.status == "sent" && row.attempts == 3 && row.error == nil)
        mailer.failing.withLock { $0 = true }
        #expect(try await SendWelcome(settings: Self.settings).run(Self.welcome("evt-fail"), context: context) == .alreadySent)
        #expect(try await Self.row(shop, event: "evt-fail")?.status == "sent")
        #expect(await shop.shutdown())
    }

    @Test func orderEmailsAreAddressedThroughUsersContact() async throws {
        let shop = try await NotifyShop.start()
        _ = try await shop.customer("wanjiru@example.com", name: "Wanjiru <b>")
        let users = try await shop.store("users").query("SELECT id FROM users WHERE email = 'wanjiru@example.com'", [])
        let customer = try #require(try users.first?.string("id"))
        let mailer = FakeMailer()
        let order = OrderEvent(
            orderID: "1f3a9c2b-0000-4000-8000-000000000001", customerID: customer, status: "shipped",
            previousStatus: "paid", currency: "KES", subtotal: 150_000, total: 150_000,
            lines: [
                .init(productID: "p", sku: "S", name: "Kiondo <basket>", unitPrice: 150_000, quantity: 1, lineTotal: 150_000)
            ],
            carrier: "G4S", trackingNumber: "TRK1",
            payment: .init(method: "mpesa", receipt: "QKX12ABC34", cardLast4: nil))
        func event(_ id: String, _ name: String) -> Event<OrderEvent> {
            Event(id: id, name: name, source: "orders", occurredAt: "2026-01-01T00:00:00.000Z", payload: order)
        }

        let placed = try Self.context(shop, "sendOrderConfirmation", mailer: mailer)
        #expect(
            try await SendOrderConfirmation(settings: Self.settings).run(event("o-1", "order.placed"), context: placed)
                != .alreadySent)
        let paid = try Self.context(shop, "sendPaymentReceipt", mailer: mailer)
        _ = try await SendPaymentReceipt(settings: Self.settings).run(event("o-2", "order.paid"), context: paid)
        let shipping = try Self.context(shop, "sendShippingUpdate", mailer: mailer)
        _ = try await SendShippingUpdate(settings: Self.settings).run(event("o-3", "order.shipped"), context: shipping)
        _ = try await SendShippingUpdate(settings: Self.settings).run(event("o-4", "order.delivered"), context: shipping)
        let cancel = try Self.context(shop, "sendCancellation", mailer: mailer)
        _ = try await SendCancellation(settings: Self.settings).run(event("o-5", "order.cancelled"), context: cancel)

        var parsed: [ParsedMail] = []
        for mail in mailer.mails { parsed.append(try await MailOracle.parse(mail.message)) }
        #expect(mailer.mails.allSatisfy { $0.recipients == ["wanjiru@example.com"] })
        #expect(parsed.allSatisfy { $0.to == [["Wanjiru <b>", "wanjiru@example.com"]] })
        #expect(
            parsed.map(\.subject) == [
                "We received your order #1F3A9C2B", "Receipt for your order #1F3A9C2B", "Your order #1F3A9C2B is on its way",
                "Your order #1F3A9C2B was delivered", "Your order #1F3A9C2B was cancelled",
            ])
        #expect(parsed[1].part("text/plain")?.content.contains("receipt number QKX12ABC34") == true)
        #expect(parsed[2].part("text/plain")?.content.contains("Tracking number: TRK1") == true)
        #expect(parsed.allSatisfy { $0.part("text/html")?.content.contains("Wanjiru &lt;b&gt;") == true })
        #expect(parsed[0].part("text/html")?.content.contains("Kiondo &lt;basket&gt;") == true)
        let kinds = try await shop.store("notifications").query(
            "SELECT kind FROM notifications WHERE event_id LIKE 'o-%' ORDER BY event_id", [])
        #expect(
            try kinds.map { try $0.string("kind") } == [
                "order_confirmation", "payment_receipt", "order_shipped", "order_delivered", "cancellation",
            ])
        #expect(await shop.shutdown())
    }

    @Test func anUnknownCustomerIsFailedAtOnceWithoutARetry() async throws {
        let shop = try await NotifyShop.start()
        let mailer = FakeMailer()
        let context = try Self.context(shop, "sendOrderConfirmation", mailer: mailer)
        let event = Event(
            id: "o-unknown", name: "order.placed", source: "orders", occurredAt: "2026-01-01T00:00:00.000Z",
            payload: OrderEvent(orderID: "o", customerID: "usr_gone", currency: "KES", subtotal: 1, total: 1, lines: []))
        let outcome = try await SendOrderConfirmation(settings: Self.settings).run(event, context: context)
        #expect(outcome == .undeliverable("users does not know customer usr_gone"))
        #expect(mailer.mails.isEmpty)
        let row = try #require(try await Self.row(shop, event: "o-unknown"))
        #expect(row.status == "failed" && row.attempts == 1)
        #expect(await shop.shutdown())
    }

    @Test func aContextWithoutTransportIsARetryNotASend() async throws {
        let shop = try await NotifyShop.start()
        let base = try shop.context("notifications", "sendWelcome")
        let bare = FunctionContext(
            requestID: "r", deadline: .now + .seconds(5), service: "notifications", function: "sendWelcome",
            request: base.request, store: base.store, logger: base.logger)
        await #expect(throws: MailNotSent.self) {
            try await SendWelcome(settings: Self.settings).run(Self.welcome("evt-bare"), context: bare)
        }
        #expect(try await Self.row(shop, event: "evt-bare")?.status == "retrying")
        #expect(await shop.shutdown())
    }
}
